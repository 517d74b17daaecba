/**
 * The order of a deployment group's hosts, as Helios sorts them (`AlphaNumericComparator`): runs of
 * digits compare as numbers, everything else character by character, so `host2` comes before `host10`.
 */
const CHUNK = /\d+|\D+/g;

/** @example ['host10', 'host2'].sort(compareHostNames) // → ['host2', 'host10'] */
export function compareHostNames(a: string, b: string): number {
  const left = a.match(CHUNK) ?? [];
  const right = b.match(CHUNK) ?? [];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i];
    const y = right[i];
    if (x === y) continue;
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const byValue = compareDigits(x, y);
      if (byValue !== 0) return byValue;
      continue; // `01` and `1` are the same number: the next chunks decide, then the lengths
    }
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** Digit strings of any length by value (no Number: a host name may carry more digits than a double holds). */
function compareDigits(x: string, y: string): number {
  const a = x.replace(/^0+(?=\d)/, '');
  const b = y.replace(/^0+(?=\d)/, '');
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
