/** The result table as Markdown, for pasting into the README's Performance section. */
import { meetsTarget, ratio } from './figures.js';
import { describeMachine, type Machine } from './machine.js';
import { formatValue, type TableRow } from './table.js';

export function renderMarkdown(rows: readonly TableRow[], m: Machine, date: Date, quick: boolean): string {
  const lines = [
    `Measured ${date.toISOString().slice(0, 10)}${quick ? ' (--quick sizes)' : ''} on ${describeMachine(m)}.`,
    '',
    '| benchmark | figure | value | baseline | ratio | target | note |',
    '|---|---|--:|---|--:|---|---|',
  ];
  for (const row of rows) {
    const r = ratio(row);
    const ok = meetsTarget(row);
    const cells = [
      row.benchmark,
      row.name,
      formatValue(row.value, row.unit),
      row.baseline ? `${formatValue(row.baseline.value, row.unit)} (${row.baseline.name})` : '',
      r === undefined ? '' : `${r.toFixed(r >= 10 ? 0 : 1)}×`,
      row.target ? `${row.target.op} ${formatValue(row.target.value, row.unit)} ${ok ? '✓' : '✗'}` : '',
      row.note ?? '',
    ];
    lines.push(`| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
