/**
 * ISO 8601 dates as job files and the API carry them (`expires`). Parsed by hand because `Date.parse`
 * reads a date-time without an offset as *local* time, while Helios (Jackson's StdDateFormat) reads it
 * as UTC, and because `Date.parse` rolls `2030-02-30` over into March instead of refusing it.
 */
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Milliseconds since the epoch, or null when `text` is not an ISO 8601 date.
 * @example parseIsoDate('2030-01-02T03:04:05.006+0000') // → 1893553445006
 */
export function parseIsoDate(text: string): number | null {
  const m = ISO_DATE.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0));
  const ms = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (new Date(utc).getUTCDate() !== day) return null;
  return utc - offsetMinutes(m[8]) * 60_000;
}

function offsetMinutes(zone: string | undefined): number {
  if (!zone || zone === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  return zone.startsWith('-') ? -minutes : minutes;
}

/** `2027-01-02T03:04:05.006+0000`, the form Helios hashes and shows dates in. */
export function formatHeliosDate(iso: string): string {
  const ms = parseIsoDate(iso);
  if (ms === null) return iso;
  return new Date(ms).toISOString().replace('Z', '+0000');
}
