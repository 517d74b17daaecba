/**
 * Master scale: a real master (child process) with N simulated agents (bench/sim/) that heartbeat
 * and hold blocking queries, J jobs and 2·J deployments (every job on two hosts, 2·J/N jobs per host).
 * Measures API latency next to GET /version, the time a deploy takes to reach its agent, the
 * master's CPU, peak memory and database size. `measure` runs the same on PostgreSQL and with several
 * masters (bench/masterScaleEngines.ts): agents split between them, deploys sent through each in turn.
 *
 * Order: start master → register hosts → create jobs → deploy → start agents (each catches up with its
 * whole desired set) → idle window (heartbeats and long-polls only) → latency samples → stop.
 */
import { latencyFigures, type BenchOptions, type Figure } from './lib/figures.js';
import { createJsonClient, seg, type JsonClient } from './lib/http.js';
import { startMaster, type MasterProcess } from './lib/masterProcess.js';
import { databaseBytes } from './lib/postgres.js';
import { createJobs, deployAll, registerHosts, syncApplyJobs } from './lib/populate.js';
import { requireOpenFilesFor } from './lib/machine.js';
import { cpuSeconds, fileSize, memoryBytes, openFiles } from './lib/proc.js';
import { sleep, wallNow } from './lib/timing.js';
import { agentId } from './sim/simAgent.js';
import { startFleet, type Fleet } from './sim/simFleet.js';
import { isPostgresUrl } from '../master/store/postgres/postgresStore.js';

const sizes = {
  full: { agents: 1_000, processes: 4, jobs: 10_000, cliJobs: 1_000, jobsListSamples: 10, statusSamples: 300, deploySamples: 200, idleMs: 10_000 },
  quick: { agents: 100, processes: 2, jobs: 1_000, cliJobs: 300, jobsListSamples: 10, statusSamples: 100, deploySamples: 50, idleMs: 5_000 },
};
const HEARTBEAT_MS = 5_000;
const WAIT_MS = 60_000;
const MB = 2 ** 20;

export async function run(options: BenchOptions = {}): Promise<Figure[]> {
  return measure({}, options);
}

export interface ScaleSetup {
  /** Every master's --db; default a SQLite file of its own (one master). */
  db?: string;
  /** Masters over that database (PostgreSQL for more than one); default 1. */
  masters?: number;
  /** Simulated agents, split between the masters; default the size's (1,000, or 100 with --quick). */
  agents?: number;
  /** More master flags (--db-pool N). */
  args?: string[];
}

/** The scale run of `setup`: its figures, the per-master ones named `master A …` when there are several. */
export async function measure(setup: ScaleSetup, options: BenchOptions = {}): Promise<Figure[]> {
  const sized = options.quick ? sizes.quick : sizes.full;
  const size = { ...sized, agents: setup.agents ?? sized.agents, processes: Math.max(sized.processes, 2 * (setup.masters ?? 1)) };
  const masterCount = setup.masters ?? 1;
  if (masterCount > 1 && !(setup.db && isPostgresUrl(setup.db))) throw new Error('several masters need one PostgreSQL --db');
  const log = options.log ?? (() => {});
  const t0 = performance.now();
  const budget = options.budgetMs ?? (options.quick ? 90_000 : 240_000);
  const at = (fraction: number) => t0 + budget * fraction;

  const limit = await requireOpenFilesFor(size.agents);

  const masters: MasterProcess[] = [];
  const apis: JsonClient[] = [];
  let fleet: Fleet | undefined;
  try {
    for (let m = 0; m < masterCount; m++) {
      masters.push(await startMaster({ db: setup.db, name: `bench-${String.fromCharCode(97 + m)}`, args: ['--down-after', String(10 * 60_000), ...(setup.args ?? [])] }));
      apis.push(createJsonClient({ baseUrl: masters[m].baseUrl, timeoutMs: 60_000 }));
    }
    const [master] = masters;
    const [api] = apis;
    const label = (m: number) => (masterCount === 1 ? 'master' : `master ${String.fromCharCode(65 + m)}`);
    const rssAtStart = masters.map((m) => memoryBytes(m.pid).rss);
    const hosts = Array.from({ length: size.agents }, (_, i) => `sim-${String(i).padStart(4, '0')}`);

    log(`registering ${hosts.length} hosts`);
    await registerHosts(api, hosts, agentId);
    const hostsOf = (j: number) => [hosts[(2 * j) % hosts.length], hosts[(2 * j + 1) % hosts.length]];
    // Through the API one request at a time (timed), then the rest in one sync-apply commit.
    log(`creating ${size.cliJobs} jobs with POST /jobs`);
    const jobs = await createJobs(api, size.cliJobs, { concurrency: 8, deadline: at(0.15) });
    const pairs = jobs.ids.flatMap((id, j) => hostsOf(j).map((h) => [h, id] as [string, string]));
    log(`deploying them: ${pairs.length} PUT /hosts/{h}/jobs/{id} through ${masterCount} master(s)`);
    const deployStart = performance.now();
    const deployedEach = await Promise.all(apis.map((through, m) => deployAll(through, pairs.filter((_, k) => k % masterCount === m),
      { concurrency: Math.ceil(8 / masterCount), deadline: at(0.25) })));
    const deployed = { ms: performance.now() - deployStart, errors: deployedEach.reduce((sum, d) => sum + d.errors, 0) };
    const cliDeployments = pairs.length - deployed.errors;
    let deployments = cliDeployments;
    let totalJobs = jobs.ids.length;
    log(`sync-applying jobs ${size.cliJobs}..${size.jobs - 1} with their deployments in one commit`);
    let bulk: { name: string; ms: number; note: string };
    const applied = await syncApplyJobs(api, 'bench', size.cliJobs, size.jobs, hostsOf);
    if (applied) {
      bulk = { name: 'sync apply, one commit', ms: applied.ms, note: `${size.jobs - size.cliJobs} jobs + ${2 * (size.jobs - size.cliJobs)} deployments, ${applied.actions} actions` };
      totalJobs += size.jobs - size.cliJobs;
      deployments += 2 * (size.jobs - size.cliJobs);
    } else {
      log('no sync endpoint: creating the rest one request at a time');
      const rest = await createJobs(api, size.jobs - size.cliJobs, { concurrency: 8, deadline: at(0.35), offset: size.cliJobs });
      const restPairs = rest.ids.flatMap((id, k) => hostsOf(size.cliJobs + k).map((h) => [h, id] as [string, string]));
      const restDeployed = await deployAll(api, restPairs, { concurrency: 8, deadline: at(0.5) });
      bulk = { name: 'the other jobs and deployments', ms: rest.ms + restDeployed.ms, note: `${rest.ids.length} jobs + ${restPairs.length} deployments one request at a time (no sync endpoint)` };
      totalJobs += rest.ids.length;
      deployments += restPairs.length - restDeployed.errors;
    }
    const cpuOf = () => masters.map((m) => cpuSeconds(m.pid));
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    const cpuAfterSetup = cpuOf();

    log(`starting ${hosts.length} simulated agents in ${size.processes} processes`);
    const catchUpStart = performance.now();
    fleet = await startFleet({ baseUrls: masters.map((m) => m.baseUrl), hosts, processes: size.processes, heartbeatMs: HEARTBEAT_MS, waitMs: WAIT_MS });
    await fleet.ready();
    await fleet.waitForCount(deployments, Math.max(10_000, at(0.7) - performance.now()));
    const catchUpMs = performance.now() - catchUpStart;
    const catchUpCpu = sum(cpuOf()) - sum(cpuAfterSetup);

    log(`idle window of ${size.idleMs} ms (heartbeats and long-polls only)`);
    await sleep(2_000); // let the status reports of the catch-up land
    const idleCpu0 = cpuOf();
    const idleT0 = performance.now();
    await sleep(size.idleMs);
    const idleSeconds = (performance.now() - idleT0) / 1000;
    const idleCpuPercent = cpuOf().map((cpu, m) => ((cpu - idleCpu0[m]) / idleSeconds) * 100);
    const sockets = masters.map((m) => openFiles(m.pid));

    const version = () => api.request('GET', '/version');
    log('sampling GET /jobs');
    let listBytes = 0;
    const list = await interleaved(version, async () => {
      const body = await api.request<Record<string, unknown>>('GET', '/jobs');
      listBytes = JSON.stringify(body).length;
    }, size.jobsListSamples, Math.min(25_000, at(0.85) - performance.now()));
    log('sampling GET /jobs/{id}/status');
    const status = await interleaved(version, (i) => api.request('GET', `/jobs/${seg(jobs.ids[(i * 7919) % jobs.ids.length])}/status`),
      size.statusSamples, 20_000);
    log('sampling deploys and deploy → agent');
    const deploy = await sampleDeploys(apis, masters.map((m) => m.baseUrl), fleet, hosts, jobs.ids, size.deploySamples, 30_000);

    const peak = masters.map((m) => memoryBytes(m.pid).peakRss);
    const cpuTotal = cpuOf();
    const dbBytes = isPostgresUrl(master.dbPath) ? await databaseBytes(master.dbPath) : fileSize(master.dbPath) + fileSize(`${master.dbPath}-wal`);
    const sim = await fleet.stop();
    fleet = undefined;

    const scale = `${hosts.length} agents, ${totalJobs} jobs, ${deployments} deployments`;
    const heartbeatsPerSecond = hosts.length / masterCount / (HEARTBEAT_MS / 1000);
    const versionBase = (samples: number[]) => ({ name: 'GET /version', samples });
    return [
      { name: 'create jobs (POST /jobs, 8 in flight)', value: jobs.ids.length / (jobs.ms / 1000), unit: '/s', note: `${jobs.ids.length} jobs in ${(jobs.ms / 1000).toFixed(1)} s` },
      { name: 'deploy (PUT /hosts/{h}/jobs/{id}, 8 in flight)', value: cliDeployments / (deployed.ms / 1000), unit: '/s', note: `${cliDeployments} in ${(deployed.ms / 1000).toFixed(1)} s` },
      { name: bulk.name, value: bulk.ms / 1000, unit: 's', note: bulk.note },
      { name: `${hosts.length} agents start and catch up`, value: catchUpMs / 1000, unit: 's', note: `${deployments} tasks; ${masterCount === 1 ? 'master' : 'masters\''} CPU ${catchUpCpu.toFixed(1)} s` },
      ...latencyFigures('GET /jobs', list.target, versionBase(list.baseline), ['p50', 'p99']).map((f) => ({ ...f, note: `${f.note}; ${(listBytes / MB).toFixed(1)} MB body` })),
      ...latencyFigures('GET /jobs/{id}/status', status.target, versionBase(status.baseline), ['p50', 'p99']),
      ...latencyFigures('deploy PUT', deploy.http, versionBase(deploy.baseline), ['p50', 'p99']),
      ...latencyFigures('deploy → agent has it', deploy.toAgent, versionBase(deploy.baseline), ['p50', 'p99'], { op: '<', value: 100 })
        .map((f) => ({ ...f, note: `${f.note}; ${deploy.lost} lost; from request sent${masterCount > 1 ? `; ${deploy.crossMaster} through the other master than the agent's` : ''}` })),
      ...masters.flatMap((_, m) => [
        { name: `${label(m)} CPU, idle with ${hosts.length / masterCount} agents`, value: idleCpuPercent[m], unit: '% of a core', note: `${heartbeatsPerSecond.toFixed(0)} heartbeats/s, ${sockets[m]} open fds (ulimit -n ${limit})` },
        { name: `${label(m)} CPU, whole run`, value: cpuTotal[m], unit: 's', note: `wall ${((performance.now() - t0) / 1000).toFixed(0)} s; setup ${cpuAfterSetup[m].toFixed(1)} s` },
        { name: `${label(m)} peak RSS (VmHWM)`, value: peak[m] / MB, unit: 'MB', baseline: { name: 'RSS at start', value: rssAtStart[m] / MB }, target: { op: '<' as const, value: 300 }, note: scale },
      ]),
      { name: 'database size (db + wal)', value: dbBytes / MB, unit: 'MB', note: `${Math.round(dbBytes / Math.max(1, deployments))} bytes per deployment` },
      { name: 'simulated agent errors', value: sim.errors, unit: 'count', note: `${sim.heartbeats} heartbeats, ${sim.polls} poll answers, ${sim.reports} status reports${sim.lastError ? `; last: ${sim.lastError.slice(0, 80)}` : ''}` },
    ];
  } finally {
    await fleet?.stop().catch(() => undefined);
    for (const api of apis) api.close();
    await Promise.all(masters.map((m) => m.stop()));
  }
}

/** Alternates a baseline call and a target call, so both see the same load; bounded in count and time. */
async function interleaved(baseline: () => Promise<unknown>, target: (i: number) => Promise<unknown>, count: number, budgetMs: number) {
  const out = { baseline: [] as number[], target: [] as number[] };
  await baseline();
  await target(0);
  const deadline = performance.now() + Math.max(1_000, budgetMs);
  for (let i = 0; i < count && (i < 3 || performance.now() < deadline); i++) {
    let start = performance.now();
    await baseline();
    out.baseline.push(performance.now() - start);
    start = performance.now();
    await target(i + 1);
    out.target.push(performance.now() - start);
  }
  return out;
}

/**
 * Deploys jobs to hosts they are not on yet, one at a time, through each master in turn, and waits
 * each time until the task reaches its simulated agent. The agent may see the task before the PUT's
 * answer arrives, so the time is measured from the moment the request was sent.
 */
async function sampleDeploys(apis: JsonClient[], urls: string[], fleet: Fleet, hosts: string[], jobIds: string[], count: number, budgetMs: number) {
  const out = { baseline: [] as number[], http: [] as number[], toAgent: [] as number[], lost: 0, crossMaster: 0 };
  const deadline = performance.now() + budgetMs;
  const step = Math.max(1, Math.floor(jobIds.length / count));
  for (let i = 0; i < count && (i < 3 || performance.now() < deadline); i++) {
    const j = (i * step) % jobIds.length;
    // Job j runs on hosts 2j and 2j+1 (mod N): half the fleet away it is not deployed yet.
    const host = hosts[(2 * j + Math.floor(hosts.length / 2)) % hosts.length];
    const api = apis[i % apis.length];
    if (urls[i % apis.length] !== fleet.masterOf(host)) out.crossMaster++;
    let start = performance.now();
    await api.request('GET', '/version');
    out.baseline.push(performance.now() - start);
    const sent = wallNow();
    start = performance.now();
    await api.request('PUT', `/hosts/${seg(host)}/jobs/${seg(jobIds[j])}`, { job: jobIds[j], goal: 'START' });
    out.http.push(performance.now() - start);
    try {
      out.toAgent.push((await fleet.waitFor(host, jobIds[j], 5_000)) - sent);
    } catch {
      out.lost++;
    }
  }
  return out;
}
