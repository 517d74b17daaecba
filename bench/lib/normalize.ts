/**
 * Turns whatever a benchmark module's run() returned into Figure[]: the Figure shape of
 * lib/figures.ts, an object holding `figures`/`rows`/`results`, or a flat record of numbers (a key
 * ending in Ms is a time in ms, Bytes a size, and so on).
 */
import type { Figure } from './figures.js';

export function normalizeFigures(result: unknown): Figure[] {
  if (Array.isArray(result)) return result.flatMap((item, i) => toFigures(item, `#${i}`));
  if (isRecord(result)) {
    for (const key of ['figures', 'rows', 'results']) if (Array.isArray(result[key])) return normalizeFigures(result[key]);
    return Object.entries(result).flatMap(([key, value]) => toFigures(value, key));
  }
  if (typeof result === 'number') return [{ name: 'result', value: result, unit: '' }];
  throw new Error(`run() returned ${result === undefined ? 'nothing' : typeof result}, not figures`);
}

function toFigures(item: unknown, key: string): Figure[] {
  if (typeof item === 'number') return [{ name: key, ...unitOf(key, item) }];
  if (!isRecord(item)) return [];
  const name = typeof item.name === 'string' ? item.name : typeof item.label === 'string' ? item.label : key;
  if (typeof item.value === 'number' || item.value === null) {
    const base = item.baseline;
    const baseline = isRecord(base) && typeof base.value === 'number'
      ? { name: String(base.name ?? 'baseline'), value: base.value }
      : typeof base === 'number' ? { name: typeof item.baselineName === 'string' ? item.baselineName : 'baseline', value: base } : undefined;
    return [{
      name,
      value: typeof item.value === 'number' ? item.value : NaN,
      unit: typeof item.unit === 'string' ? item.unit : '',
      baseline,
      target: isRecord(item.target) && typeof item.target.value === 'number' ? item.target as Figure['target'] : undefined,
      note: typeof item.note === 'string' ? item.note : undefined,
    }];
  }
  // A nested record of numbers: one figure per number, named "key field".
  return Object.entries(item).flatMap(([k, v]) => (typeof v === 'number' ? [{ name: `${name} ${k}`, ...unitOf(k, v) }] : []));
}

function unitOf(key: string, value: number): { value: number; unit: string } {
  if (/ms$/i.test(key)) return { value, unit: 'ms' };
  if (/bytes$/i.test(key)) return { value: value / 2 ** 20, unit: 'MB' };
  if (/seconds$|sec$|S$/.test(key)) return { value, unit: 's' };
  return { value, unit: '' };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
