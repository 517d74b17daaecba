export * from './figures.js';
export * from './stats.js';
export * from './timing.js';
export * from './machine.js';
export * from './table.js';
