/**
 * `helios/zx/globals`: the type of the global `helios` that `helios run` preloads, for a script type
 * checked with tsc (`import type {} from 'helios/zx/globals'`; zx's own globals come from 'zx/globals').
 */
import type { Helios } from './helios.js';

declare global {
  var helios: Helios;
}

export {};
