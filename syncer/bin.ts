#!/usr/bin/env node
console.log('usage: helios-syncer [options] (not implemented yet)');
