/**
 * `GET /hosts?namePattern=` and `GET /jobs?hostPattern=`: core's name patterns (RE2, found anywhere
 * in the name), with a bad pattern, or one that takes longer than --pattern-timeout over the names,
 * reported as a bad query parameter.
 */
import { invalidRequest, isHeliosError } from '../core/index.js';
import { compileNamePattern, filterByPattern } from '../core/model/namePattern.js';

export function namesMatching(field: 'namePattern' | 'hostPattern', pattern: string, names: readonly string[], timeoutMs: number): string[] {
  let compiled;
  try {
    compiled = compileNamePattern(pattern);
  } catch (err) {
    if (!isHeliosError(err)) throw err;
    throw invalidRequest(`query parameter ${field}: ${err.message}`, { field, pattern });
  }
  const matches = filterByPattern(names, compiled, performance.now() + timeoutMs);
  if (matches === null) {
    throw invalidRequest(`query parameter ${field}: matching ${JSON.stringify(pattern)} against ${names.length} host names took over `
      + `${timeoutMs} ms, the master's --pattern-timeout; use a simpler pattern`, { field, pattern, limit: '--pattern-timeout' });
  }
  return matches;
}
