/**
 * `npm run bench [-- --quick] [-- --only name,name]`: runs every benchmark in sequence, each in its
 * own process (bench/runOne.ts) with a time budget, prints one table with every figure next to its
 * baseline, and writes the figures as JSON with the machine and the date to bench/results/.
 * A benchmark that fails or overruns is reported as failed; the others still run.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ratio, type Figure } from './lib/figures.js';
import { describeMachine, machine } from './lib/machine.js';
import { renderTable, type TableRow } from './lib/table.js';
import { renderMarkdown } from './lib/markdown.js';
import { benchmarks, type BenchmarkEntry } from './suite.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const GRACE_MS = 20_000;
/** The suite's own ceiling: `npm run bench` (build included) must finish within 10 minutes. */
const SUITE_MS = 9 * 60_000;

export interface BenchmarkResult {
  name: string;
  title: string;
  status: 'ok' | 'failed' | 'skipped';
  error?: string;
  durationMs: number;
  budgetMs: number;
  figures: Array<Figure & { ratio?: number }>;
}

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string' },
    list: { type: 'boolean', default: false },
    'max-seconds': { type: 'string' },
  },
});

let current: ReturnType<typeof spawn> | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (current?.pid) killGroup(current.pid, 'SIGTERM');
    process.exit(130);
  });
}

async function main(): Promise<number> {
  if (values.list) {
    for (const b of benchmarks) process.stdout.write(`${b.name.padEnd(16)} ${b.title}\n`);
    return 0;
  }
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = only?.filter((name) => !benchmarks.some((b) => b.name === name)) ?? [];
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark ${unknown.join(', ')}; known: ${benchmarks.map((b) => b.name).join(', ')}\n`);
    return 2;
  }
  const quick = values.quick;
  const selected = benchmarks.filter((b) => !only || only.includes(b.name));
  const started = new Date();
  const m = await machine();
  process.stderr.write(`bench: ${describeMachine(m)}${quick ? ' (quick)' : ''}\n`);

  const suiteDeadline = Date.now() + (values['max-seconds'] ? Number(values['max-seconds']) * 1000 : SUITE_MS);
  const results: BenchmarkResult[] = [];
  for (const entry of selected) results.push(await runBenchmark(entry, quick, suiteDeadline - Date.now()));

  const rows: TableRow[] = results.flatMap((r) => r.status === 'ok'
    ? r.figures.map((f) => ({ benchmark: r.name, ...f }))
    : [{ benchmark: r.name, name: r.status === 'skipped' ? 'SKIPPED' : 'FAILED', value: NaN, unit: '', note: r.error?.slice(0, 120) }]);
  process.stdout.write(`\n${describeMachine(m)}\n${renderTable(rows, { color: process.stdout.isTTY })}\n`);

  const report = {
    date: started.toISOString(),
    durationMs: Date.now() - started.getTime(),
    quick,
    machine: m,
    benchmarks: results,
  };
  const out = values.out ?? path.join(here, 'results', quick ? 'latest-quick.json' : 'latest.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(out.replace(/\.json$/, '.md'), renderMarkdown(rows, m, started, quick));
  const count = (status: BenchmarkResult['status']) => results.filter((r) => r.status === status).length;
  const failed = count('failed');
  process.stderr.write(`bench: ${count('ok')} ok, ${failed} failed, ${count('skipped')} skipped in ${Math.round(report.durationMs / 1000)} s; wrote ${path.relative(process.cwd(), out)}\n`);
  return failed > 0 ? 1 : 0;
}

async function runBenchmark(entry: BenchmarkEntry, quick: boolean, suiteLeftMs: number): Promise<BenchmarkResult> {
  // A benchmark never gets more than what is left of the suite's ceiling.
  const budgetMs = Math.min(quick ? entry.quickBudgetMs : entry.budgetMs, suiteLeftMs - GRACE_MS);
  const base = { name: entry.name, title: entry.title, budgetMs, figures: [] };
  const file = path.join(here, `${entry.name}.ts`);
  if (!existsSync(file)) return { ...base, status: 'skipped', durationMs: 0, error: `bench/${entry.name}.ts does not exist yet` };
  if (budgetMs < 10_000) return { ...base, status: 'skipped', durationMs: 0, error: 'no time left within the suite\'s ceiling' };
  process.stderr.write(`bench: ${entry.name} (budget ${Math.round(budgetMs / 1000)} s)\n`);
  const start = Date.now();
  const outcome = await runChild(entry.name, quick, budgetMs);
  const durationMs = Date.now() - start;
  if ('error' in outcome) {
    process.stderr.write(`bench: ${entry.name} FAILED: ${outcome.error}\n`);
    return { ...base, status: 'failed', error: outcome.error, durationMs };
  }
  return { ...base, status: 'ok', durationMs, figures: outcome.figures.map((f) => ({ ...f, ratio: ratio(f) })) };
}

/** Runs bench/runOne.ts in its own process group, so a hung benchmark dies with everything it started. */
function runChild(name: string, quick: boolean, budgetMs: number): Promise<{ figures: Figure[] } | { error: string }> {
  return new Promise((resolve) => {
    const args = ['--import', 'tsx', path.join(here, 'runOne.ts'), name, '--budget', String(budgetMs), ...(quick ? ['--quick'] : [])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], detached: true });
    current = child;
    let settled: { figures: Figure[] } | { error: string } | undefined;
    const timer = setTimeout(() => {
      settled ??= { error: `did not finish within its budget of ${Math.round(budgetMs / 1000)} s (+${GRACE_MS / 1000} s grace); killed` };
      killGroup(child.pid!, 'SIGTERM');
      setTimeout(() => killGroup(child.pid!, 'SIGKILL'), 3_000).unref();
    }, budgetMs + GRACE_MS);
    child.on('message', (m: { type: string; figures?: Figure[]; message?: string }) => {
      if (m.type === 'figures') settled ??= { figures: m.figures ?? [] };
      else if (m.type === 'failed') settled ??= { error: m.message ?? 'failed' };
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      // Whatever the benchmark left running in its group goes too.
      killGroup(child.pid!, 'SIGKILL');
      resolve(settled ?? { error: `exited (${signal ?? `code ${code}`}) without figures` });
    });
  });
}

function killGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

main().then((code) => process.exit(code), (err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
