import test from 'ava';
import { alignColumns, renderWithCliTable } from './table.js';

const head = ['JOB ID', 'NAME', 'VERSION', 'HOSTS', 'COMMAND', 'ENVIRONMENT'];
const rows = [
  ['foo:v1:2a89d5a', 'foo', 'v1', '1', '/bin/sh -c "echo hi"', 'FOO=bar'],
  ['barbaz:1:abcdef0', 'barbaz', '1', '10', '', ''],
  ['x:2:0000000', 'x', '2', '0', 'sleep 1000', 'A=1 B=2'],
];

test('the fast aligner lays out a table exactly as cli-table3 does', async (t) => {
  t.is(alignColumns(head, rows), await renderWithCliTable(head, rows));
});

test('tables are borderless, columns aligned three spaces apart, no trailing blanks', async (t) => {
  const text = await renderWithCliTable(['HOST', 'STATUS'], [['a', 'Up 3 seconds'], ['longer-host', 'Down']]);
  t.is(text, 'HOST          STATUS\na             Up 3 seconds\nlonger-host   Down');
});

test('colour codes take no width when aligning', (t) => {
  const red = '\x1b[31mFAILED\x1b[39m';
  const text = alignColumns(['STATE', 'HOST'], [[red, 'h1'], ['RUNNING', 'h2']]);
  t.is(text.replaceAll(red, 'FAILED'), 'STATE     HOST\nFAILED    h1\nRUNNING   h2');
});

test('a header-only table is just the header', async (t) => {
  t.is(await renderWithCliTable(['A', 'B'], []), 'A   B');
  t.is(alignColumns(['A', 'B'], []), 'A   B');
});
