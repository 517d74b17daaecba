import { pathToFileURL } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { BenchOptions, Figure } from './figures.js';
import { renderTable } from './table.js';

/** True when the module at `moduleUrl` is the script node was started with, not an import of the suite. */
export const isMainModule = (moduleUrl: string): boolean => moduleUrl === pathToFileURL(process.argv[1] ?? '').href;

/**
 * A benchmark run on its own (`npx tsx bench/NAME.ts [--quick] [--COUNT N]…`): takes --quick and the
 * numeric options named in `counts`, logs progress to stderr, prints the figures as JSON and as a table.
 */
export async function runStandalone<K extends string>(name: string, run: (options: BenchOptions & Partial<Record<K, number>>) => Promise<Figure[]>, counts: readonly K[] = []): Promise<void> {
  const options: NonNullable<ParseArgsConfig['options']> = { quick: { type: 'boolean' } };
  for (const count of counts) options[count] = { type: 'string' };
  const values = parseArgs({ options }).values as Record<string, string | boolean | undefined>;
  const numbers: Partial<Record<K, number>> = {};
  for (const count of counts) if (typeof values[count] === 'string') numbers[count] = Number(values[count]);
  const figures = await run({ ...numbers, quick: values.quick === true, log: (m) => process.stderr.write(`${m}\n`) });
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  process.stdout.write(`${renderTable(figures.map((f) => ({ ...f, benchmark: name })))}\n`);
  process.exit(0);
}
