/**
 * Runs one benchmark module in its own process (started by bench/run.ts): imports bench/<name>.ts,
 * calls its run(), and sends the figures back over IPC. A separate process keeps one benchmark's
 * leftovers (servers, timers, memory) out of the next, and lets run.ts kill a benchmark that hangs.
 *
 *   tsx bench/runOne.ts <name> [--quick] [--budget MS]
 */
import { parseArgs } from 'node:util';
import type { Benchmark } from './lib/figures.js';
import { normalizeFigures } from './lib/normalize.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { quick: { type: 'boolean', default: false }, budget: { type: 'string' } },
});
const name = positionals[0];
const started = performance.now();
const log = (message: string) =>
  process.stderr.write(`[${name} ${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${message}\n`);

async function main() {
  const mod = await import(`./${name}.js`) as { run?: Benchmark; default?: Benchmark };
  const run = mod.run ?? mod.default;
  if (typeof run !== 'function') throw new Error(`bench/${name}.ts exports no run()`);
  const result: unknown = await run({ quick: values.quick, budgetMs: values.budget ? Number(values.budget) : undefined, log });
  return normalizeFigures(result);
}

main().then(
  (figures) => {
    process.send?.({ type: 'figures', figures }, () => process.exit(0));
    if (!process.send) {
      process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
      process.exit(0);
    }
  },
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    log(`failed: ${err instanceof Error ? err.stack : message}`);
    process.send?.({ type: 'failed', message }, () => process.exit(1));
    if (!process.send) process.exit(1);
  },
);
