/**
 * The provider reaches core/ only through this function, at run time, never through a top-level
 * import. Why: Pulumi serializes the provider object to source text (`__provider`) and rebuilds it in
 * a separate process. Local ES modules are inlined by value, and core's validation pulls in TypeBox,
 * whose schemas are keyed by Symbols that do not survive serialization. A dynamic `import()` is
 * syntax, not a captured value, so the serialized text stays small and loads core from the installed
 * `helios` package (resolved from the Pulumi project's directory) when a method runs.
 */
import type * as CoreModule from '../core/index.js';

export type Core = typeof CoreModule;

export async function loadCore(): Promise<Core> {
  // A variable, not a literal: the type checker must not resolve the package's own dist/ while building it.
  const specifier = 'helios/core';
  return (await import(specifier)) as Core;
}
