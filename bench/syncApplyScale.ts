/**
 * The master's side of a GitOps sync at scale (issue 6: a one-file incremental sync of a 10,000-file
 * repository under 200 ms, container work excluded). A master runs in this process (startMaster on a
 * temp database, no logger); requests go over real HTTP on 127.0.0.1.
 *
 * - 10,000 job specs over 100 hosts (100 per host, each with a static port): the first apply, then
 *   one-file changes (one job's env: undeploy + remove + create + deploy), then the same commit again.
 * - 2,000 specs on ONE host (static ports): the first apply, then a one-file change.
 * - Plain API at that size: a CLI deploy to the crowded host (its port check), GET /jobs.
 * Baseline of every sync: JSON.parse + JSON.stringify of the same request body, in this process (the
 * least any server must do with it); of the plain requests: GET /version. Timings are the master's:
 * bodies are serialized before the clock starts, and answers are parsed after it stops.
 *
 *   npx tsx bench/syncApplyScale.ts [--quick]     # prints JSON, then a table
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SyncApplyRequest, SyncJob, SyncResult } from '../core/index.js';
import { startMaster } from '../master/server.js';
import { createJsonClient } from './lib/http.js';
import { median } from './lib/stats.js';
import type { BenchOptions, Figure } from './lib/figures.js';
import { renderTable } from './lib/table.js';

const spec = (name: string, port: number, env: Record<string, string> = {}): SyncJob['spec'] => ({
  name, version: '1', image: 'busybox:latest', command: ['sleep', '3600'], secondsToWaitBeforeKill: 1,
  env: { ROLE: 'bench', ...env }, ports: { http: { internalPort: 8080, externalPort: port } },
});

function jobFile(name: string, host: string, port: number, env?: Record<string, string>): SyncJob {
  return { file: `jobs/${name}.yaml`, lines: { name: 1, version: 2, image: 3, ports: 6, deploy: 9 }, spec: spec(name, port, env), hosts: [host], goal: 'START' };
}

const commit = (c: string, jobs: SyncJob[]): SyncApplyRequest =>
  ({ repo: 'http://127.0.0.1/bench.git', branch: 'main', path: 'jobs', commit: c, jobs, errors: [] });

/** ms for JSON.parse(JSON.stringify(body)) done on the body's text: what any server pays for it. */
function jsonBaseline(body: SyncApplyRequest): number {
  const text = JSON.stringify(body);
  const start = performance.now();
  JSON.stringify(JSON.parse(text));
  return performance.now() - start;
}

export async function run(options: BenchOptions = {}): Promise<Figure[]> {
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const total = options.quick ? 2_000 : 10_000;
  const hostCount = options.quick ? 20 : 100;
  const soloCount = options.quick ? 500 : 2_000;
  const dir = mkdtempSync(join(tmpdir(), 'helios-sync-bench-'));
  const master = await startMaster({ dbPath: join(dir, 'master.db'), port: 0, name: 'bench', logger: false, reaperIntervalMs: 3_600_000 });
  const api = createJsonClient({ baseUrl: master.url, timeoutMs: 600_000 });
  const figures: Figure[] = [];
  try {
    const apply = async (source: string, body: SyncApplyRequest) => {
      const text = JSON.stringify(body);
      const start = performance.now();
      const answer = await api.requestText('PUT', `/sync/sources/${source}`, text);
      const ms = performance.now() - start;
      const result = JSON.parse(answer) as SyncResult;
      if (result.state !== 'APPLIED') throw new Error(`${source} ${body.commit}: ${result.state} ${JSON.stringify(result.errors.slice(0, 3))}`);
      return { ms, actions: result.actions.length };
    };

    // 10,000 jobs over 100 hosts.
    const files = Array.from({ length: total }, (_, i) => jobFile(`job${i}`, `h${i % hostCount}`, 20_000 + Math.floor(i / hostCount)));
    const first = commit('c0', files);
    const firstRun = await apply('big', first);
    log(`big: first apply of ${total} jobs ${firstRun.ms.toFixed(0)} ms`);
    figures.push({ name: `first apply, ${total} jobs over ${hostCount} hosts`, value: firstRun.ms, unit: 'ms',
      baseline: { name: 'JSON parse+stringify of the body', value: jsonBaseline(first) }, note: `${firstRun.actions} actions` });

    const incremental: number[] = [];
    const bases: number[] = [];
    let current = files;
    for (let round = 1; round <= 7; round++) {
      // Each commit changes one more file on top of the last (the same file twice in a row is fine too).
      const i = round * 37 % total;
      current = current.slice();
      current[i] = jobFile(`job${i}`, `h${i % hostCount}`, 20_000 + Math.floor(i / hostCount), { ROUND: String(round) });
      const body = commit(`c${round}`, current);
      const r = await apply('big', body);
      if (r.actions !== 4) throw new Error(`one-file change planned ${r.actions} actions, expected 4`);
      incremental.push(r.ms);
      bases.push(jsonBaseline(body));
    }
    log(`big: one-file incremental apply median ${median(incremental).toFixed(0)} ms`);
    figures.push({ name: `one-file incremental apply (${total} jobs)`, value: median(incremental), unit: 'ms', target: { op: '<', value: 200 },
      baseline: { name: 'JSON parse+stringify of the body', value: median(bases) }, note: `median of ${incremental.length}; 4 actions each` });

    const again = commit('c-same', current);
    const same: number[] = [];
    for (let i = 0; i < 3; i++) same.push((await apply('big', again)).ms);
    figures.push({ name: `unchanged commit re-applied (${total} jobs)`, value: median(same), unit: 'ms',
      baseline: { name: 'JSON parse+stringify of the body', value: jsonBaseline(again) }, note: 'median of 3' });

    // 2,000 jobs on one host.
    const solo = Array.from({ length: soloCount }, (_, i) => jobFile(`solo${i}`, 'solo', 30_000 + i));
    const soloBody = commit('s0', solo);
    const soloRun = await apply('solo', soloBody);
    log(`solo: first apply of ${soloCount} jobs on one host ${soloRun.ms.toFixed(0)} ms`);
    figures.push({ name: `first apply, ${soloCount} jobs on ONE host`, value: soloRun.ms, unit: 'ms',
      baseline: { name: 'JSON parse+stringify of the body', value: jsonBaseline(soloBody) }, note: `${soloRun.actions} actions` });
    const soloChanged = solo.slice();
    soloChanged[7] = jobFile('solo7', 'solo', 30_007, { CHANGED: '1' });
    const soloInc = commit('s1', soloChanged);
    const soloIncRun = await apply('solo', soloInc);
    figures.push({ name: `one-file incremental apply (${soloCount} jobs on ONE host)`, value: soloIncRun.ms, unit: 'ms',
      baseline: { name: 'JSON parse+stringify of the body', value: jsonBaseline(soloInc) } });

    // Plain API at this size: a CLI deploy to the crowded host, GET /jobs.
    await api.request('PUT', '/hosts/solo?id=bench-agent');
    const deploys: number[] = [];
    const versions: number[] = [];
    for (let i = 0; i < 20; i++) {
      const created = await api.request<{ id: string }>('POST', '/jobs', { ...spec(`cli${i}`, 40_000 + i) });
      let start = performance.now();
      await api.request('PUT', `/hosts/solo/jobs/${created.id}`, { goal: 'START' });
      deploys.push(performance.now() - start);
      start = performance.now();
      await api.request('GET', '/version');
      versions.push(performance.now() - start);
    }
    figures.push({ name: `CLI deploy to a host with ${soloCount} jobs`, value: median(deploys), unit: 'ms',
      baseline: { name: 'GET /version', value: median(versions) }, note: 'median of 20' });

    const lists: number[] = [];
    const listBase: number[] = [];
    let count = 0;
    for (let i = 0; i < 5; i++) {
      let start = performance.now();
      const text = await api.requestText('GET', '/jobs');
      lists.push(performance.now() - start);
      count = Object.keys(JSON.parse(text) as object).length;
      start = performance.now();
      await api.requestText('GET', '/version');
      listBase.push(performance.now() - start);
    }
    figures.push({ name: `GET /jobs (${count} jobs)`, value: median(lists), unit: 'ms',
      baseline: { name: 'GET /version', value: median(listBase) }, note: 'median of 5' });
  } finally {
    api.close();
    await master.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await run({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  process.stdout.write(`${renderTable(figures.map((f) => ({ ...f, benchmark: 'syncApplyScale' })))}\n`);
}
