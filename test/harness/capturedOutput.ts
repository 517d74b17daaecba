/**
 * A CLI Output that keeps the lines printed (stdout and stderr alike, uncoloured), for driving a CLI
 * module such as solo's progress in-process.
 */
import type { Output } from '../../cli/output.js';

export function capturedOutput(): Output & { lines: string[] } {
  const lines: string[] = [];
  const plain = (text: string) => text;
  const unused = () => { throw new Error('capturedOutput keeps lines only'); };
  return {
    lines, json: false, isTTY: false,
    colors: { good: plain, bad: plain, warn: plain, dim: plain, bold: plain },
    print: (line = '') => { lines.push(line); },
    info: (line) => { lines.push(line); },
    printJson: unused,
    printTable: unused,
    renderTable: unused,
    transient: () => {},
  };
}
