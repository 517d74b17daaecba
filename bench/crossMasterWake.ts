/**
 * Cross-master wake-up latency: two masters (child processes) over one PostgreSQL database; an
 * agent's blocking query waits on master B when a deploy (or, every other sample, an undeploy) is sent
 * to master A. Measured: A's answer to the deploy → B's answer to the blocking query (B hears A's
 * commit by LISTEN/NOTIFY), and the deploy sent → B's answer; baseline: the same on one master
 * (the query waiting on A itself). Target: p99 < 50 ms. Uses HELIOS_BENCH_PG's server, or starts one
 * (bench/lib/postgres.ts).
 *
 *   npx tsx bench/crossMasterWake.ts [--samples 200] [--quick]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMasterProcess } from './blockingQuery.js';
import { latencyFigures, type BenchOptions, type Figure } from './lib/figures.js';
import { createJsonClient } from './lib/http.js';
import { wakeFixture, wakeSample } from './lib/wakeSample.js';
import { benchPostgres } from './lib/postgres.js';
import { isMainModule, runStandalone } from './lib/standalone.js';

const TARGET_MS = 50;

export interface CrossMasterFigures {
  /** A's deploy answered → B's blocking query answered */
  otherMs: number[];
  /** A's deploy sent → B's blocking query answered */
  otherFromRequestMs: number[];
  /** the same with the query waiting on A */
  sameMs: number[];
}

export async function measure(options: BenchOptions & { samples?: number } = {}): Promise<CrossMasterFigures> {
  const samples = options.samples ?? (options.quick ? 40 : 200);
  const log = options.log ?? (() => {});
  const server = await benchPostgres(log);
  const database = await server.database();
  const dir = mkdtempSync(join(tmpdir(), 'helios-bench-xm-'));
  const a = await startMasterProcess(dir, database.url, 'a');
  const b = await startMasterProcess(dir, database.url, 'b');
  const apiA = createJsonClient({ baseUrl: a.url, timeoutMs: 70_000 });
  const apiB = createJsonClient({ baseUrl: b.url, timeoutMs: 70_000 });
  try {
    const fixture = await wakeFixture(apiA, apiB, 'xm');
    let { index } = fixture;
    const result: CrossMasterFigures = { otherMs: [], otherFromRequestMs: [], sameMs: [] };
    let deployed = false;
    log(`crossMasterWake: ${samples} samples, masters ${a.url} and ${b.url}`);
    for (let i = -5; i < samples; i++) {
      const waiter = i % 2 === 0 ? apiB : apiA;
      deployed = !deployed;
      const { sent, answered, at, ...next } = await wakeSample(waiter, apiA, { ...fixture, index, deploy: deployed });
      index = next.index;
      if (i < 0) continue; // warm-up
      if (waiter === apiB) {
        result.otherMs.push(at - answered);
        result.otherFromRequestMs.push(at - sent);
      } else {
        result.sameMs.push(at - answered);
      }
    }
    return result;
  } finally {
    apiA.close();
    apiB.close();
    await Promise.all([a.stop(), b.stop()]);
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
    await server.stop();
  }
}

export function toFigures(r: CrossMasterFigures): Figure[] {
  const baseline = { name: 'same master', samples: r.sameMs };
  return [
    ...latencyFigures('deploy answered on A → blocking query on B answered', r.otherMs, baseline, ['median']),
    ...latencyFigures('deploy answered on A → blocking query on B answered', r.otherMs, baseline, ['p99'], { op: '<', value: TARGET_MS }),
    ...latencyFigures('deploy sent to A → blocking query on B answered', r.otherFromRequestMs, undefined, ['median', 'p99']),
  ];
}

/** Runs the benchmark; returns the figures (bench/lib shape) and prints nothing. */
export async function run(options: BenchOptions & { samples?: number } = {}): Promise<Figure[]> {
  return toFigures(await measure(options));
}

if (isMainModule(import.meta.url)) await runStandalone('crossMasterWake', run, ['samples']);
