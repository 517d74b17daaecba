import test from 'ava';
import { Writable } from 'node:stream';
import { createOutput, type Output } from './output.js';
import { clearScreen, markEscapes, terminalCell, terminalJson, terminalText } from './terminalText.js';

const hostile = 'web\u001b]0;owned\u0007\u001b[2J\u009b31m\rdone';
const escaped = 'web\\u001b]0;owned\\u0007\\u001b[2J\\u009b31m\\u000ddone';

/** An Output over in-memory streams, as a terminal (colours on) or a pipe. */
async function capture(tty: boolean): Promise<{ out: Output; stdout: () => string; stderr: () => string }> {
  const sink = () => {
    let text = '';
    const stream = new Writable({ write: (chunk, _encoding, done) => { text += String(chunk); done(); } });
    return { stream: Object.assign(stream, { isTTY: tty }) as unknown as NodeJS.WriteStream, text: () => text };
  };
  const stdout = sink();
  const stderr = sink();
  const out = await createOutput({ stdout: stdout.stream, stderr: stderr.stream }, { json: false, env: {} });
  return { out, stdout: stdout.text, stderr: stderr.text };
}

// eslint-disable-next-line no-control-regex -- what must never reach the terminal from the master
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001a\u001c-\u001f\u007f-\u009f]/;
const ESC = String.fromCharCode(0x1b);
const SGR_OR_ESC = new RegExp(`${ESC}[^m]*m`, 'g');
const SGR = new RegExp(`^${ESC}\\[[0-9;]*m$`);

test('a control character shows as an escape; plain and wide text is untouched', (t) => {
  t.is(terminalCell(hostile), escaped);
  t.is(terminalCell('a\tb\nc\u007f'), 'a\\u0009b\\u000ac\\u007f');
  t.is(terminalCell('https://git.example/ops.git ü ✓'), 'https://git.example/ops.git ü ✓');
  t.is(terminalText(`one ${hostile}\ntwo`), `one ${escaped}\ntwo`, 'lines keep their breaks');
});

test("only the CLI's own marked sequences reach the terminal as escape sequences", (t) => {
  t.is(terminalText(markEscapes('\u001b[32mUP\u001b[39m')), '\u001b[32mUP\u001b[39m');
  t.is(terminalText(`${clearScreen}x`), '\u001b[H\u001b[2Jx');
  t.is(terminalText('\u001b[32mUP'), '\\u001b[32mUP', 'an unmarked ESC is escaped');
});

test('--json stays exact JSON: DEL and C1 characters are escaped as JSON escapes of the same string', (t) => {
  const value = { command: [hostile], env: { K: '\u007f\u0085' } };
  const text = terminalJson(value, 2);
  t.false(RAW_CONTROL.test(text.replaceAll('\n', '')));
  t.deepEqual(JSON.parse(text), value);
});

for (const tty of [false, true]) {
  test(`every printer of the output escapes server strings (${tty ? 'terminal, with colours' : 'pipe'})`, async (t) => {
    const { out, stdout, stderr } = await capture(tty);
    out.print(`job ${hostile}`);
    out.info(`warning ${hostile}`);
    await out.printTable(['JOB', 'STATE', 'REASON'], [[hostile, out.colors.bad(hostile), `a\nb ${hostile}`]]);
    out.print(await out.renderTable(['X'], [[out.colors.good(hostile)]]));
    out.printJson({ reason: hostile });
    const printed = stdout() + stderr();
    t.false(RAW_CONTROL.test(printed), JSON.stringify(printed));
    // ESC appears only as the colours' SGR codes, on a terminal.
    const sequences = printed.match(SGR_OR_ESC) ?? [];
    t.is(printed.split('\u001b').length - 1, sequences.length);
    for (const sequence of sequences) t.regex(sequence, SGR);
    t.is(sequences.length > 0, tty);
    t.true(stdout().includes(escaped));
    t.true(stdout().includes('a\\u000ab'), 'a line break inside a cell is escaped, so the table keeps its rows');
    t.deepEqual(JSON.parse(stdout().slice(stdout().lastIndexOf('{'))), { reason: hostile });
  });
}
