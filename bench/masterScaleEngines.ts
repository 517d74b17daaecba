/**
 * The master scale benchmark (bench/masterScale.ts: 1,000 simulated agents, 10,000 jobs, 20,000
 * deployments) side by side in one run: on SQLite; on PostgreSQL with one master; on PostgreSQL with
 * two masters (agents split between them, deploys sent through each in turn, so half reach their
 * agent through the other master's LISTEN/NOTIFY); and 2,000 agents on two masters. Targets: deploy →
 * agent p99 < 100 ms on PostgreSQL, and the same p99 with 2,000 agents on two masters. Each
 * PostgreSQL run gets a new database on HELIOS_BENCH_PG's server, or on a private one started for the
 * run with fsync on (bench/lib/postgres.ts), as SQLite's --sync-mode full fsyncs.
 *
 *   npm run build && npx tsx bench/masterScaleEngines.ts [--quick] [--pool N]
 */
import type { BenchOptions, Figure } from './lib/figures.js';
import { benchPostgres, type BenchPostgres } from './lib/postgres.js';
import { isMainModule, runStandalone } from './lib/standalone.js';
import { measure, type ScaleSetup } from './masterScale.js';

interface Run {
  label: string;
  engine: 'sqlite' | 'postgres';
  masters: number;
  /** Times the size's agent count (1,000; 100 with --quick). */
  agentsTimes: number;
}

export const runs: Run[] = [
  { label: 'SQLite', engine: 'sqlite', masters: 1, agentsTimes: 1 },
  { label: 'PostgreSQL, 1 master', engine: 'postgres', masters: 1, agentsTimes: 1 },
  { label: 'PostgreSQL, 2 masters', engine: 'postgres', masters: 2, agentsTimes: 1 },
  { label: 'PostgreSQL, 2 masters, 2x agents', engine: 'postgres', masters: 2, agentsTimes: 2 },
];

export async function run(options: BenchOptions & { pool?: number } = {}): Promise<Figure[]> {
  const log = options.log ?? (() => {});
  const agents = options.quick ? 100 : 1_000;
  const started = performance.now();
  const figures: Figure[] = [];
  const server: BenchPostgres = await benchPostgres(log);
  try {
    for (const [i, r] of runs.entries()) figures.push(...await measureRun(r, i));
  } finally {
    await server.stop();
  }
  return figures;

  async function measureRun(r: Run, i: number): Promise<Figure[]> {
    // Each run gets an even share of what is left of the budget.
    const budgetMs = options.budgetMs === undefined ? undefined : (options.budgetMs - (performance.now() - started)) / (runs.length - i);
    const setup: ScaleSetup = { masters: r.masters, agents: agents * r.agentsTimes, args: options.pool ? ['--db-pool', String(options.pool)] : [] };
    const database = r.engine === 'postgres' ? await server.database() : undefined;
    log(`${r.label}: ${setup.agents} agents`);
    try {
      const measured = await measure({ ...setup, db: database?.url }, { ...options, budgetMs, log: (m) => log(`[${r.label}] ${m}`) });
      return measured.map((f) => ({ ...f, name: `${r.label}: ${f.name}`, note: database && f.name.startsWith('database size') ? `${f.note}; ${server.description}` : f.note }));
    } finally {
      await database?.drop();
    }
  }
}

if (isMainModule(import.meta.url)) await runStandalone('masterScaleEngines', run, ['pool']);
