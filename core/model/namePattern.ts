/**
 * Host name patterns (`GET /hosts?namePattern=`, `GET /jobs?hostPattern=`) are regular expressions
 * found anywhere in the name, as Helios' `Pattern.compile(p).asPredicate()` (Java's `find`): `web`
 * matches `web-1` and `old-web`, `^web-[0-9]+$` only the first.
 *
 * They run on RE2 (re2js): matching is linear in the name's length, so no pattern backtracks
 * exponentially, and RE2 refuses what it cannot bound (backreferences, lookaround). What is left is
 * bounded here: a pattern compiles to at most MAX_PROGRAM_SIZE instructions (a name costs at most
 * that times its length), and `filterByPattern` stops at a deadline, checked between names.
 *
 * A plain word still matches as a substring: a name is letters, digits, `.`, `_` and `-`, and as a
 * pattern these stand for themselves (`.` for any character), so a pattern that matched as a
 * substring before matches the same names now, and maybe more.
 */
import { RE2JS } from 're2js';
import { HeliosError } from '../errors/HeliosError.js';

/** Instructions of a compiled pattern (`^web-[0-9]+\.lon$` has 14, `[a-z]{1000}` 1002). */
export const MAX_PROGRAM_SIZE = 1000;

export interface NamePattern {
  readonly source: string;
  test(name: string): boolean;
}

/**
 * Compiles a pattern; throws INVALID_ARGUMENT saying what is wrong.
 * @example compileNamePattern('^web-[0-9]+').test('web-12') // → true
 */
export function compileNamePattern(source: string): NamePattern {
  let re: RE2JS;
  try {
    re = RE2JS.compile(source);
  } catch (err) {
    throw invalid(source, `${(err as Error).message.replace(/^error parsing regexp: /, '')} (an RE2 regular expression: no backreferences or lookaround)`);
  }
  if (re.programSize() > MAX_PROGRAM_SIZE) {
    throw invalid(source, `it compiles to ${re.programSize()} instructions, more than ${MAX_PROGRAM_SIZE}; use fewer or smaller counted repetitions ({n,m})`);
  }
  return { source, test: (name) => re.test(name) };
}

/**
 * The names the pattern is found in, in their order; null when `deadline` (a `performance.now()`
 * time) passed before every name was tried.
 */
export function filterByPattern(names: readonly string[], pattern: NamePattern, deadline: number): string[] | null {
  const matches: string[] = [];
  for (const name of names) {
    if (performance.now() > deadline) return null;
    if (pattern.test(name)) matches.push(name);
  }
  return matches;
}

const invalid = (pattern: string, why: string) =>
  new HeliosError('INVALID_ARGUMENT', `invalid name pattern ${JSON.stringify(pattern)}: ${why}`, { pattern });
