#!/usr/bin/env node
console.log('usage: helios-agent [options] (not implemented yet)');
