/** Prints figures as one table: value, baseline, ratio, target. */
import Table from 'cli-table3';
import { meetsTarget, ratio, type Figure } from './figures.js';

export interface TableRow extends Figure {
  benchmark: string;
}

/**
 * @example
 *   console.log(renderTable([{ benchmark: 'master', name: 'GET /jobs p99', value: 41.2, unit: 'ms' }]));
 */
export function renderTable(rows: readonly TableRow[], options: { color?: boolean } = {}): string {
  const table = new Table({
    head: ['benchmark', 'figure', 'value', 'baseline', 'ratio', 'target', 'note'],
    style: { head: options.color ? ['cyan'] : [], border: [] },
    // One line per figure: no separator rows between them.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    colAligns: ['left', 'left', 'right', 'left', 'right', 'left', 'left'],
  });
  for (const row of rows) {
    const r = ratio(row);
    const ok = meetsTarget(row);
    table.push([
      row.benchmark,
      row.name,
      formatValue(row.value, row.unit),
      row.baseline ? `${formatValue(row.baseline.value, row.unit)} (${row.baseline.name})` : '',
      r === undefined ? '' : `${r.toFixed(r >= 10 ? 0 : 1)}×`,
      row.target ? `${row.target.op} ${formatValue(row.target.value, row.unit)} ${ok ? 'ok' : 'MISSED'}` : '',
      row.note ?? '',
    ]);
  }
  return table.toString();
}

/** Three significant digits at most, never exponent notation. */
export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  const digits = abs >= 100 || Number.isInteger(value) ? 0 : abs >= 10 ? 1 : 2;
  const text = value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  return unit === 'count' || unit === '' ? text : `${text} ${unit}`;
}
