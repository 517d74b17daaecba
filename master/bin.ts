#!/usr/bin/env node
console.log('usage: helios-master [options] (not implemented yet)');
