/**
 * Master scale: a real master (child process) with N simulated agents (bench/sim/) that heartbeat
 * and hold blocking queries, J jobs and 2·J deployments (every job on two hosts, 2·J/N jobs per host).
 * Measures API latency next to GET /version, the time a deploy takes to reach its agent, the
 * master's CPU, peak memory and database size.
 *
 * Order: start master → register hosts → create jobs → deploy → start agents (each catches up with its
 * whole desired set) → idle window (heartbeats and long-polls only) → latency samples → stop.
 */
import { latencyFigures, type BenchOptions, type Figure } from './lib/figures.js';
import { createJsonClient, seg, type JsonClient } from './lib/http.js';
import { startMaster } from './lib/masterProcess.js';
import { createJobs, deployAll, registerHosts, syncApplyJobs } from './lib/populate.js';
import { requireOpenFilesFor } from './lib/machine.js';
import { cpuSeconds, fileSize, memoryBytes, openFiles } from './lib/proc.js';
import { sleep, wallNow } from './lib/timing.js';
import { agentId } from './sim/simAgent.js';
import { startFleet } from './sim/simFleet.js';

const sizes = {
  full: { agents: 1_000, processes: 4, jobs: 10_000, cliJobs: 1_000, jobsListSamples: 10, statusSamples: 300, deploySamples: 200, idleMs: 10_000 },
  quick: { agents: 100, processes: 2, jobs: 1_000, cliJobs: 300, jobsListSamples: 10, statusSamples: 100, deploySamples: 50, idleMs: 5_000 },
};
const HEARTBEAT_MS = 5_000;
const WAIT_MS = 60_000;
const MB = 2 ** 20;

export async function run(options: BenchOptions = {}): Promise<Figure[]> {
  const size = options.quick ? sizes.quick : sizes.full;
  const log = options.log ?? (() => {});
  const t0 = performance.now();
  const budget = options.budgetMs ?? (options.quick ? 90_000 : 240_000);
  const at = (fraction: number) => t0 + budget * fraction;

  const limit = await requireOpenFilesFor(size.agents);

  const master = await startMaster({ args: ['--down-after', String(10 * 60_000)] });
  const api = createJsonClient({ baseUrl: master.baseUrl, timeoutMs: 60_000 });
  let fleet: Awaited<ReturnType<typeof startFleet>> | undefined;
  try {
    const rssAtStart = memoryBytes(master.pid).rss;
    const hosts = Array.from({ length: size.agents }, (_, i) => `sim-${String(i).padStart(4, '0')}`);

    log(`registering ${hosts.length} hosts`);
    await registerHosts(api, hosts, agentId);
    const hostsOf = (j: number) => [hosts[(2 * j) % hosts.length], hosts[(2 * j + 1) % hosts.length]];
    // Through the API one request at a time (timed), then the rest in one sync-apply commit.
    log(`creating ${size.cliJobs} jobs with POST /jobs`);
    const jobs = await createJobs(api, size.cliJobs, { concurrency: 8, deadline: at(0.15) });
    const pairs = jobs.ids.flatMap((id, j) => hostsOf(j).map((h) => [h, id] as [string, string]));
    log(`deploying them: ${pairs.length} PUT /hosts/{h}/jobs/{id}`);
    const deployed = await deployAll(api, pairs, { concurrency: 8, deadline: at(0.25) });
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
    const cpuAfterSetup = cpuSeconds(master.pid);

    log(`starting ${hosts.length} simulated agents in ${size.processes} processes`);
    const catchUpStart = performance.now();
    fleet = await startFleet({ baseUrl: master.baseUrl, hosts, processes: size.processes, heartbeatMs: HEARTBEAT_MS, waitMs: WAIT_MS });
    await fleet.ready();
    await fleet.waitForCount(deployments, Math.max(10_000, at(0.7) - performance.now()));
    const catchUpMs = performance.now() - catchUpStart;
    const catchUpCpu = cpuSeconds(master.pid) - cpuAfterSetup;

    log(`idle window of ${size.idleMs} ms (heartbeats and long-polls only)`);
    await sleep(2_000); // let the status reports of the catch-up land
    const idleCpu0 = cpuSeconds(master.pid);
    const idleT0 = performance.now();
    await sleep(size.idleMs);
    const idleCpuPercent = ((cpuSeconds(master.pid) - idleCpu0) / ((performance.now() - idleT0) / 1000)) * 100;
    const sockets = openFiles(master.pid);

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
    const deploy = await sampleDeploys(api, fleet, hosts, jobs.ids, size.deploySamples, 30_000);

    const peak = memoryBytes(master.pid).peakRss;
    const cpuTotal = cpuSeconds(master.pid);
    const dbBytes = fileSize(master.dbPath) + fileSize(`${master.dbPath}-wal`);
    const sim = await fleet.stop();
    fleet = undefined;

    const scale = `${hosts.length} agents, ${totalJobs} jobs, ${deployments} deployments`;
    const versionBase = (samples: number[]) => ({ name: 'GET /version', samples });
    return [
      { name: 'create jobs (POST /jobs, 8 in flight)', value: jobs.ids.length / (jobs.ms / 1000), unit: '/s', note: `${jobs.ids.length} jobs in ${(jobs.ms / 1000).toFixed(1)} s` },
      { name: 'deploy (PUT /hosts/{h}/jobs/{id}, 8 in flight)', value: cliDeployments / (deployed.ms / 1000), unit: '/s', note: `${cliDeployments} in ${(deployed.ms / 1000).toFixed(1)} s` },
      { name: bulk.name, value: bulk.ms / 1000, unit: 's', note: bulk.note },
      { name: `${hosts.length} agents start and catch up`, value: catchUpMs / 1000, unit: 's', note: `${deployments} tasks; master CPU ${catchUpCpu.toFixed(1)} s` },
      ...latencyFigures('GET /jobs', list.target, versionBase(list.baseline), ['p50', 'p99']).map((f) => ({ ...f, note: `${f.note}; ${(listBytes / MB).toFixed(1)} MB body` })),
      ...latencyFigures('GET /jobs/{id}/status', status.target, versionBase(status.baseline), ['p50', 'p99']),
      ...latencyFigures('deploy PUT', deploy.http, versionBase(deploy.baseline), ['p50', 'p99']),
      ...latencyFigures('deploy → agent has it', deploy.toAgent, versionBase(deploy.baseline), ['p50', 'p99'], { op: '<', value: 100 })
        .map((f) => ({ ...f, note: `${f.note}; ${deploy.lost} lost; from request sent` })),
      { name: `master CPU, idle with ${hosts.length} agents`, value: idleCpuPercent, unit: '% of a core', note: `${(hosts.length / (HEARTBEAT_MS / 1000)).toFixed(0)} heartbeats/s, ${sockets} open fds (ulimit -n ${limit})` },
      { name: 'master CPU, whole run', value: cpuTotal, unit: 's', note: `wall ${((performance.now() - t0) / 1000).toFixed(0)} s; setup ${cpuAfterSetup.toFixed(1)} s` },
      { name: 'master peak RSS (VmHWM)', value: peak / MB, unit: 'MB', baseline: { name: 'RSS at start', value: rssAtStart / MB }, target: { op: '<', value: 300 }, note: scale },
      { name: 'database size (db + wal)', value: dbBytes / MB, unit: 'MB', note: `${Math.round(dbBytes / Math.max(1, deployments))} bytes per deployment` },
      { name: 'simulated agent errors', value: sim.errors, unit: 'count', note: `${sim.heartbeats} heartbeats, ${sim.polls} poll answers, ${sim.reports} status reports${sim.lastError ? `; last: ${sim.lastError.slice(0, 80)}` : ''}` },
    ];
  } finally {
    await fleet?.stop().catch(() => undefined);
    api.close();
    await master.stop();
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
 * Deploys jobs to hosts they are not on yet, one at a time, and waits each time until the task reaches
 * its simulated agent. The agent may see the task before the PUT's answer arrives, so the time is
 * measured from the moment the request was sent.
 */
async function sampleDeploys(api: JsonClient, fleet: Awaited<ReturnType<typeof startFleet>>, hosts: string[], jobIds: string[], count: number, budgetMs: number) {
  const out = { baseline: [] as number[], http: [] as number[], toAgent: [] as number[], lost: 0 };
  const deadline = performance.now() + budgetMs;
  const step = Math.max(1, Math.floor(jobIds.length / count));
  for (let i = 0; i < count && (i < 3 || performance.now() < deadline); i++) {
    const j = (i * step) % jobIds.length;
    // Job j runs on hosts 2j and 2j+1 (mod N): half the fleet away it is not deployed yet.
    const host = hosts[(2 * j + Math.floor(hosts.length / 2)) % hosts.length];
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
