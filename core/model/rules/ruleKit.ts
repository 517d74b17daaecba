/** Small helpers shared by the job validation rules: type guards and error builders. */
import type { FieldError } from '../../errors/HeliosError.js';
import { MAX_JOB_WAIT_SECONDS } from '../killWait.js';

export interface RuleContext {
  /** ms since the epoch; `expires` before it is refused. */
  now: number;
}

/** One rule: reads the (possibly ill-typed) spec and reports every problem it finds. */
export type JobRule = (spec: Record<string, unknown>, ctx: RuleContext) => FieldError[];

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const isInt = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);

export const isString = (value: unknown): value is string => typeof value === 'string';

/** Entries of a map field, or none when the field is absent or not a map. */
export const entriesOf = (value: unknown): Array<[string, unknown]> => (isRecord(value) ? Object.entries(value) : []);

export const fieldError = (path: string, message: string): FieldError => ({ path, message });

export const joinPath = (...parts: Array<string | number>) => parts.join('.');

export const PORT_RANGE = 'must be between 0 and 65535';

export const isPort = (value: number) => value >= 0 && value <= 65535;

/** `a, b, c` for messages listing what is allowed or known; `none` for an empty list. */
export const listOf = (items: readonly string[]) => (items.length === 0 ? 'none' : items.join(', '));

/**
 * A wait in seconds that becomes a timer: from `min` to MAX_JOB_WAIT_SECONDS (one day).
 * @example waitRangeErrors('gracePeriod', 90_000, 0, 'seconds') // → [{ path: 'gracePeriod', message: 'must be at most 86400 seconds (1 day)' }]
 */
export function waitRangeErrors(path: string, value: unknown, min: number, unit: string): FieldError[] {
  if (!isInt(value)) return [];
  if (value < min) return [fieldError(path, `must be ${min} or more (${unit})`)];
  if (value > MAX_JOB_WAIT_SECONDS) return [fieldError(path, `must be at most ${MAX_JOB_WAIT_SECONDS} ${unit} (1 day)`)];
  return [];
}
