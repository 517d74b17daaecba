import { HeliosError } from '../errors/HeliosError.js';

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A command-line duration in ms: `500ms`, `30s`, `1.5m`, `2h`, `14d`; a bare number is seconds.
 * Throws INVALID_ARGUMENT naming the flag.
 * @example parseDuration('30s', '--down-after') // → 30000
 */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) {
    throw new HeliosError('INVALID_ARGUMENT', `${flag}: expected a duration like 500ms, 30s, 5m or 1h, got "${text}"`, { flag, value: text });
  }
  return Math.round(Number(match[1]) * unitMs[match[2] ?? 's']);
}
