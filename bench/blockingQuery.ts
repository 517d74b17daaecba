/**
 * Blocking-query wake-up latency: an agent's long-poll (`GET /agents/{host}/tasks?index=N&wait=…`) is
 * waiting when a deploy (or, every other sample, an undeploy) to its host is sent; measured are the time from sending the
 * deploy to the long-poll's answer, and from the deploy's own response to that answer (negative when
 * the agent hears first: the master wakes waiters as the transaction commits, before it answers the
 * deploy). Baseline: a plain GET /version round trip in the same run.
 *
 * The master runs as a child process (tsx on master/bin.ts, no build needed), so client and server do
 * not share an event loop.
 *
 *   npx tsx bench/blockingQuery.ts [--samples 100] [--quick]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { latencyFigures, type BenchOptions, type Figure } from './lib/figures.js';
import { createJsonClient } from './lib/http.js';
import { wakeFixture, wakeSample } from './lib/wakeSample.js';
import { percentile } from './lib/stats.js';
import { isMainModule, runStandalone } from './lib/standalone.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const TARGET_MS = 50;

/** helios-master as a child process on `db` (a file in `dir` by default; crossMasterWake gives a PostgreSQL URL). */
export async function startMasterProcess(dir: string, db = join(dir, 'master.db'), name = 'bench') {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'master/bin.ts'), '--http', '127.0.0.1:0',
    '--db', db, '--name', name, '--log-level', 'info', '--down-after', '10m'],
  { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let ready = false;
  const url = await new Promise<string>((resolve, reject) => {
    // The master logs one line per request (as in production); keep reading so the pipe never fills.
    const onData = (chunk: Buffer) => {
      if (ready) return;
      output += chunk.toString();
      const m = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (m) {
        ready = true;
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`master exited (${code}): ${output}`)));
    setTimeout(() => { if (!ready) reject(new Error(`master not listening after 60 s: ${output}`)); }, 60_000).unref();
  });
  return {
    url,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

export interface BlockingQueryFigures {
  /** deploy/undeploy sent → long-poll answered */
  fromRequestMs: number[];
  /** deploy/undeploy answered → long-poll answered */
  fromResponseMs: number[];
  versionMs: number[];
}

export async function measure(options: BenchOptions & { samples?: number } = {}): Promise<BlockingQueryFigures> {
  const samples = options.samples ?? (options.quick ? 60 : 200);
  const log = options.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'helios-bench-bq-'));
  const master = await startMasterProcess(dir);
  const api = createJsonClient({ baseUrl: master.url, timeoutMs: 70_000 });
  try {
    const fixture = await wakeFixture(api, api, 'bq');
    let { index } = fixture;
    const versionMs: number[] = [];
    const fromRequestMs: number[] = [];
    const fromResponseMs: number[] = [];
    let deployed = false;
    log(`blockingQuery: ${samples} samples against ${master.url}`);
    for (let i = -5; i < samples; i++) {
      deployed = !deployed;
      const { sent, answered, at, ...next } = await wakeSample(api, api, { ...fixture, index, deploy: deployed });
      index = next.index;
      const v0 = performance.now();
      await api.request('GET', '/version');
      const v = performance.now() - v0;
      if (i < 0) continue; // warm-up
      fromRequestMs.push(at - sent);
      fromResponseMs.push(at - answered);
      versionMs.push(v);
    }
    return { fromRequestMs, fromResponseMs, versionMs };
  } finally {
    api.close();
    await master.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function toFigures(r: BlockingQueryFigures): Figure[] {
  const baseline = { name: 'GET /version', samples: r.versionMs };
  return [
    ...latencyFigures('deploy sent → blocking query answered', r.fromRequestMs, baseline, ['median', 'p95'], { op: '<', value: TARGET_MS }),
    ...latencyFigures('deploy answered → blocking query answered', r.fromResponseMs, baseline, ['median', 'p95']),
    { name: 'GET /version median', value: percentile(r.versionMs, 50), unit: 'ms', note: `n=${r.versionMs.length}` },
  ];
}

/** Runs the benchmark; returns the figures (bench/lib shape) and prints nothing. */
export async function run(options: BenchOptions & { samples?: number } = {}): Promise<Figure[]> {
  return toFigures(await measure(options));
}

if (isMainModule(import.meta.url)) await runStandalone('blockingQuery', run, ['samples']);
