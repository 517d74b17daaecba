/**
 * CLI start-up: how long `helios --help` and `helios jobs` (against a master holding N jobs, default
 * 10,000, created through the API 16 requests at a time) take as real processes, next to `node -e 0`,
 * the floor any Node command pays. The three are run interleaved (one of each per round) so that
 * load from elsewhere on the machine falls on all of them alike. Uses the compiled command
 * (dist/cli/bin.js: `npm run build` first) and a master child process (dist/master/bin.js).
 * Run alone: `npx tsx bench/cliStartup.ts [--quick] [--jobs N] [--runs N]` prints JSON, then a table.
 */
import path from 'node:path';
import type { BenchOptions, Figure } from './lib/figures.js';
import { latencyFigures } from './lib/figures.js';
import { createJsonClient } from './lib/http.js';
import { repoRoot, startMaster } from './lib/masterProcess.js';
import { createJobs } from './lib/populate.js';
import { timeProcess } from './lib/proc.js';
import { renderTable } from './lib/table.js';

const CLI = path.join(repoRoot, 'dist/cli/bin.js');

export interface CliStartupOptions extends BenchOptions {
  jobs?: number;
  runs?: number;
}

const timeNode = (args: string[], env: NodeJS.ProcessEnv) => timeProcess(process.execPath, args, { cwd: repoRoot, env });

export async function run(options: CliStartupOptions = {}): Promise<Figure[]> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const budgetMs = options.budgetMs ?? 120_000;
  const jobCount = options.jobs ?? (options.quick ? 1_000 : 10_000);
  const runs = options.runs ?? (options.quick ? 10 : 20);
  const master = await startMaster();
  try {
    const api = createJsonClient({ baseUrl: master.baseUrl });
    log(`creating ${jobCount} jobs`);
    const created = await createJobs(api, jobCount, { concurrency: 16, deadline: started + budgetMs * 0.45, prefix: 'cli' });
    log(`created ${created.ids.length} jobs in ${(created.ms / 1000).toFixed(1)} s`);
    const env = { HELIOS_MASTER: master.baseUrl, NO_COLOR: '1' };
    // Warm the OS file cache and the master's first-request paths: untimed.
    await timeNode(['-e', '0'], env);
    await timeNode([CLI, '--help'], env);
    await timeNode([CLI, 'jobs'], env);

    const node: number[] = [];
    const help: number[] = [];
    const jobs: number[] = [];
    const deadline = started + budgetMs * 0.9;
    for (let i = 0; i < runs && (i < 3 || performance.now() < deadline); i++) {
      node.push(await timeNode(['-e', '0'], env));
      help.push(await timeNode([CLI, '--help'], env));
      jobs.push(await timeNode([CLI, 'jobs'], env));
    }
    log(`${node.length} rounds`);
    const baseline = { name: 'node -e 0', samples: node };
    return [
      ...latencyFigures('helios --help', help, baseline, ['median', 'p95'], { op: '<', value: 300 }),
      ...latencyFigures(`helios jobs (${created.ids.length} jobs)`, jobs, baseline, ['median', 'p95']),
      ...latencyFigures('node -e 0', node, undefined, ['median', 'p95']),
    ];
  } finally {
    await master.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const figures = await run({
    quick: process.argv.includes('--quick'), jobs: arg('--jobs'), runs: arg('--runs'),
    budgetMs: 600_000, log: (m) => process.stderr.write(`${m}\n`),
  });
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n${renderTable(figures.map((f) => ({ benchmark: 'cliStartup', ...f })))}\n`);
}
