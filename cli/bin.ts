#!/usr/bin/env node
console.log('usage: helios <command> [options] (not implemented yet)');
