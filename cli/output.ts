import { stateTone } from '../core/model/stateTone.js';
import { renderTable } from './table.js';
import { clearLine, markEscapes, terminalCell, terminalJson, terminalText } from './terminalText.js';

/**
 * Colour functions: real ones from zx's chalk on a terminal (their codes marked to pass the printers,
 * terminalText.ts), identity when piped or with --json.
 */
export interface Colors {
  good(text: string): string;
  bad(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const plain: Colors = { good: (t) => t, bad: (t) => t, warn: (t) => t, dim: (t) => t, bold: (t) => t };

/**
 * Where a command writes: results to stdout, progress and diagnostics to stderr. Every printer
 * escapes control characters (terminalText.ts): a command prints server strings as they are.
 */
export interface Output {
  json: boolean;
  /** True when stdout is a terminal (live redraws, colours). */
  isTTY: boolean;
  colors: Colors;
  /** A result line on stdout. */
  print(line?: string): void;
  /** A progress or diagnostic line on stderr. */
  info(line: string): void;
  /** Pretty JSON on stdout, keys in the order the value has them. */
  printJson(value: unknown): void;
  /** An aligned borderless table on stdout. */
  printTable(head: string[], rows: string[][]): Promise<void>;
  /** The same table as a string for `print` (live redraws). */
  renderTable(head: string[], rows: string[][]): Promise<string>;
  /**
   * On a terminal: a line on stdout that the next `transient` redraws in place and the next `print`
   * or `info` clears first (a progress bar); '' clears it. Nothing when stdout is not a terminal.
   */
  transient(line: string): void;
}

export interface Streams {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** Back to the start of the line, which is then erased. */
const CLEAR_LINE = terminalCell(clearLine);

/** The table laid out from escaped cells; its only escape sequences are the colours, marked again for `print`. */
const tableText = async (head: string[], rows: string[][]) =>
  markEscapes(await renderTable(head.map(terminalCell), rows.map((row) => row.map(terminalCell))));

export async function createOutput(streams: Streams, options: { json: boolean; env: NodeJS.ProcessEnv }): Promise<Output> {
  const isTTY = streams.stdout.isTTY === true;
  const colors = isTTY && !options.json && !options.env.NO_COLOR ? await loadColors() : plain;
  let transientShown = false;
  const clearTransient = () => {
    if (!transientShown) return;
    transientShown = false;
    streams.stdout.write(CLEAR_LINE);
  };
  const print = (line = '') => { clearTransient(); streams.stdout.write(terminalText(line) + '\n'); };
  return {
    json: options.json,
    isTTY,
    colors,
    print,
    info: (line) => { clearTransient(); streams.stderr.write(terminalText(line) + '\n'); },
    transient: (line) => {
      if (!isTTY) return;
      clearTransient();
      if (line === '') return;
      streams.stdout.write(terminalCell(line));
      transientShown = true;
    },
    printJson: (value) => void streams.stdout.write(terminalJson(value, 2) + '\n'),
    printTable: async (head, rows) => print(await tableText(head, rows)),
    renderTable: tableText,
  };
}

/** zx's chalk, loaded only for a terminal: `zx/core` costs ~55 ms to import, the whole of zx ~150 ms. */
async function loadColors(): Promise<Colors> {
  // We have decided on colour (a terminal, no NO_COLOR); chalk would still turn it off under CI=true.
  process.env.FORCE_COLOR ??= '1';
  const { chalk } = await import('zx/core');
  // The text is escaped first, so the only sequences marked are chalk's.
  const paint = (style: (text: string) => string) => (text: string) => markEscapes(style(terminalCell(text)));
  return { good: paint(chalk.green), bad: paint(chalk.red), warn: paint(chalk.yellow), dim: paint(chalk.dim), bold: paint(chalk.bold) };
}

/** Colours a task state by its tone (core's stateTone, the dashboard's too): RUNNING green, FAILED/EXITED red, anything in between yellow. */
export function colorState(colors: Colors, state: string): string {
  const tone = stateTone(state);
  return tone === 'neutral' ? state : colors[tone](state);
}
