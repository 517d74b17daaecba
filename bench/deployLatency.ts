/**
 * Deploy latency, next to the raw Docker engine measured in the same run:
 *  - one job: from the deploy request (PUT /hosts/{host}/jobs/{id}) to RUNNING visible through the API
 *    (GET /jobs/{id}/status polled every 20 ms, see POLL_MS) vs a raw dockerode create+start of the same container,
 *    20 runs each, interleaved so both see the same machine load; median and p95.
 *    Two agents: `--pull missing` (no registry round trip when the engine has the image: the
 *    apples-to-apples orchestration overhead) and `--pull always` (Helios: ask the registry every time;
 *    here there is none, so the pull fails fast and the local image is used).
 *  - 50 jobs at once to one agent (`--pull missing`): from the first of 50 concurrent deploy requests until
 *    the API shows all 50 RUNNING (GET /hosts/{host}/status every 20 ms), vs 50 raw create+starts issued
 *    at once; two rounds, alternating which side goes first, mean of each (one round with --quick).
 *
 *   DOCKER_HOST=unix:///tmp/dk1/docker.sock npx tsx bench/deployLatency.ts [--runs 20] [--burst 50] [--quick]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import Docker from 'dockerode';
import { startAgent } from '../agent/agent.js';
import { startTestMaster, type TestMaster } from '../test/harness/master.js';
import type { BenchOptions, Figure } from './lib/figures.js';
import { percentile } from './lib/stats.js';
import { isMainModule, runStandalone } from './lib/standalone.js';

const IMAGE = 'busybox:latest';
const COMMAND = ['sleep', '1000'];
const TARGET_OVERHEAD_MS = 50;
/**
 * How often the API is asked for the status. Not faster: on 2 cores a poll every 2 ms (fetch + fastify +
 * SQLite, in this process) took enough CPU to slow Docker's own start of the container by 20–60 ms,
 * which the raw baseline, measured without polling, did not pay; every 20 ms it costs a few ms.
 */
const POLL_MS = 20;
const POLICIES = ['always', 'missing'] as const;
type Policy = (typeof POLICIES)[number];
/** What the single-job runs leave of the budget for the burst (measured: 15–40 s on 2 busy cores). */
const BURST_RESERVE_MS = 50_000;

function dockerFromEnv(): Docker {
  const host = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
  if (host.startsWith('unix://')) return new Docker({ socketPath: host.slice('unix://'.length) });
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return new Docker({ host: url.hostname, port: Number(url.port) || 2375 });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * ms from the deploy request until the API shows RUNNING. The status is polled every POLL_MS; the moment
 * it became visible lies between the last poll that did not show it and the first that did, and is
 * taken as the middle of the two (each poll's own moment being the middle of its request): unbiased,
 * within ±POLL_MS/2 for one sample.
 */
async function deployOnce(master: TestMaster, host: string, jobId: string): Promise<number> {
  const start = performance.now();
  await master.client.deployments.deploy(host, jobId);
  let lastMiss = performance.now();
  for (;;) {
    const sent = performance.now();
    const status = await master.client.jobs.status(jobId);
    const polled = (sent + performance.now()) / 2;
    if (status.taskStatuses[host]?.state === 'RUNNING') return (lastMiss + polled) / 2 - start;
    lastMiss = polled;
    if (performance.now() - start > 60_000) throw new Error(`${jobId} not RUNNING after 60 s`);
    await sleep(POLL_MS);
  }
}

/** Undeploys and waits until the agent has removed every container it had. */
async function undeployAndWait(master: TestMaster, docker: Docker, host: string, jobIds: string[]): Promise<void> {
  await Promise.all(jobIds.map((id) => master.client.deployments.undeploy(host, id)));
  const deadline = performance.now() + 120_000;
  for (;;) {
    const left = await docker.listContainers({ all: true, filters: { label: [`helios.agent=${host}`] } });
    if (left.length === 0) return;
    if (performance.now() > deadline) throw new Error(`${left.length} containers of ${host} still there 2 minutes after the undeploy`);
    await sleep(20);
  }
}

const rawSpec = (name: string) => ({ Image: IMAGE, Cmd: COMMAND, Labels: { 'helios.bench': 'raw' }, name });

/** The baseline: what Docker itself takes to create and start the same container. */
async function rawOnce(docker: Docker, i: number): Promise<number> {
  const start = performance.now();
  const container = await docker.createContainer(rawSpec(`helios-bench-raw-${process.pid}-${i}`));
  await container.start();
  const ms = performance.now() - start;
  await container.remove({ force: true });
  return ms;
}

/** n raw create+starts issued at once: ms until the last one has started. */
async function rawBurst(docker: Docker, n: number): Promise<number> {
  const start = performance.now();
  const containers = await Promise.all(Array.from({ length: n }, async (_, i) => {
    const container = await docker.createContainer(rawSpec(`helios-bench-burst-${process.pid}-${i}`));
    await container.start();
    return container;
  }));
  const ms = performance.now() - start;
  await Promise.all(containers.map((c) => c.remove({ force: true })));
  return ms;
}

/** n deploy requests at once: ms from the first request until the API shows every task RUNNING. */
async function deployBurst(master: TestMaster, host: string, jobIds: string[]): Promise<number> {
  const start = performance.now();
  await Promise.all(jobIds.map((id) => master.client.deployments.deploy(host, id)));
  for (;;) {
    const { statuses } = await master.client.hosts.status(host);
    if (jobIds.every((id) => statuses[id]?.state === 'RUNNING')) return performance.now() - start;
    if (performance.now() - start > 120_000) throw new Error(`${jobIds.length} jobs not all RUNNING after 2 minutes`);
    await sleep(POLL_MS);
  }
}

export interface DeployLatencyFigures {
  runs: number;
  rawMs: number[];
  agentMs: Record<Policy, number[]>;
  /** Means over `rounds` rounds. */
  burst: { jobs: number; rounds: number; agentMs: number; rawMs: number } | null;
}

/** Runs the benchmark; returns the figures (bench/lib shape) and prints nothing. */
export async function run(options: BenchOptions & { runs?: number; burst?: number } = {}): Promise<Figure[]> {
  const raw = await measure(options);
  return toFigures(raw);
}

export async function measure(options: BenchOptions & { runs?: number; burst?: number } = {}): Promise<DeployLatencyFigures> {
  const runs = options.runs ?? (options.quick ? 5 : 20);
  const burstJobs = options.burst ?? (options.quick ? 20 : 50);
  const burstRounds = options.quick ? 1 : 2;
  const log = options.log ?? (() => {});
  const started = performance.now();
  // The single-job runs stop early (fewer samples, said in the note) rather than leave the burst no time.
  const runsDeadline = options.budgetMs ? started + Math.max(options.budgetMs / 3, options.budgetMs - BURST_RESERVE_MS) : Infinity;
  const docker = dockerFromEnv();
  const master = await startTestMaster();
  const stateRoot = await mkdtemp(join(tmpdir(), 'helios-bench-agent-'));
  const result: DeployLatencyFigures = { runs, rawMs: [], agentMs: { always: [], missing: [] }, burst: null };
  const agents: Array<{ stop(): Promise<void> }> = [];
  try {
    const hosts = {} as Record<Policy, string>;
    for (const policy of POLICIES) {
      const name = `bench-${policy}-${process.pid}`;
      hosts[policy] = name;
      agents.push(await startAgent({
        master: master.url, name, stateDir: join(stateRoot, name), bindIp: '127.0.0.1', pullPolicy: policy,
        dockerHost: process.env.DOCKER_HOST, logger: pino({ level: 'warn' }),
      }));
      await waitForHost(master, name);
    }
    // One warm-up of each path (image cache, connections, JIT), not counted.
    await rawOnce(docker, -1);
    for (let i = -1; i < runs; i++) {
      if (i > 0 && performance.now() > runsDeadline) {
        log(`stopping the single-job runs after ${i} of ${runs}, to leave the burst its time`);
        break;
      }
      for (const policy of POLICIES) {
        const { id } = await master.client.jobs.create({ id: `lat-${policy}-${i + 1}:1`, image: IMAGE, command: COMMAND, secondsToWaitBeforeKill: 0 });
        const ms = await deployOnce(master, hosts[policy], id);
        await undeployAndWait(master, docker, hosts[policy], [id]);
        if (i >= 0) result.agentMs[policy].push(ms);
      }
      if (i >= 0) result.rawMs.push(await rawOnce(docker, i));
      if (i >= 0) log(`run ${i + 1}/${runs}`);
    }

    // The burst: rounds alternate which side goes first (the engine is not in the same state after 50
    // removals as before), and each side reports its mean.
    const burst = { jobs: burstJobs, rounds: 0, agentMs: 0, rawMs: 0 };
    for (let round = 0; round < burstRounds && burstJobs > 0; round++) {
      if (round > 0 && performance.now() > started + (options.budgetMs ?? Infinity) - BURST_RESERVE_MS / 2) break;
      const ids: string[] = [];
      for (let i = 0; i < burstJobs; i++) {
        ids.push((await master.client.jobs.create({ id: `burst-${round}-${i}:1`, image: IMAGE, command: COMMAND, secondsToWaitBeforeKill: 0 })).id);
      }
      const sides = [
        async () => { burst.rawMs += await rawBurst(docker, burstJobs); },
        async () => {
          burst.agentMs += await deployBurst(master, hosts.missing, ids);
          await undeployAndWait(master, docker, hosts.missing, ids);
        },
      ];
      if (round % 2 === 1) sides.reverse();
      for (const side of sides) await side();
      burst.rounds += 1;
      log(`burst round ${round + 1}: ${burstJobs} jobs`);
    }
    if (burst.rounds > 0) {
      result.burst = { jobs: burstJobs, rounds: burst.rounds, agentMs: burst.agentMs / burst.rounds, rawMs: burst.rawMs / burst.rounds };
    }
  } finally {
    for (const agent of agents) await agent.stop();
    const closing = master.close();
    const cut = setTimeout(() => master.master.app.server.closeAllConnections(), 200);
    await closing;
    clearTimeout(cut);
    await rm(stateRoot, { recursive: true, force: true });
  }
  return result;
}

async function waitForHost(master: TestMaster, host: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const hosts = await master.client.hosts.list();
    if (hosts.includes(host)) return;
    await sleep(50);
  }
  throw new Error(`agent ${host} never registered`);
}

/** Median of the per-run differences agent − raw (each pair measured back to back). */
function pairedOverhead(agentMs: number[], rawMs: number[]): number {
  const n = Math.min(agentMs.length, rawMs.length);
  return percentile(Array.from({ length: n }, (_, i) => agentMs[i] - rawMs[i]), 50);
}

export function toFigures(r: DeployLatencyFigures): Figure[] {
  const figures: Figure[] = [];
  const rawMedian = percentile(r.rawMs, 50);
  for (const stat of ['median', 'p95'] as const) {
    const p = stat === 'median' ? 50 : 95;
    figures.push({ name: `dockerode create+start ${stat}`, value: percentile(r.rawMs, p), unit: 'ms', note: `n=${r.rawMs.length}` });
  }
  for (const policy of ['missing', 'always'] as const) {
    const label = policy === 'always' ? 'deploy → RUNNING via API (pull always)' : 'deploy → RUNNING via API (pull if missing)';
    for (const stat of ['median', 'p95'] as const) {
      const p = stat === 'median' ? 50 : 95;
      figures.push({
        name: `${label} ${stat}`,
        value: percentile(r.agentMs[policy], p),
        unit: 'ms',
        baseline: { name: `raw ${stat}`, value: percentile(r.rawMs, p) },
        note: `n=${r.agentMs[policy].length}`,
      });
    }
    figures.push({
      name: `orchestration overhead median (pull ${policy === 'always' ? 'always' : 'if missing'})`,
      value: percentile(r.agentMs[policy], 50) - rawMedian,
      unit: 'ms',
      target: { op: '<', value: TARGET_OVERHEAD_MS },
      note: `median(deploy→RUNNING) − median(raw); paired median ${pairedOverhead(r.agentMs[policy], r.rawMs).toFixed(1)} ms`,
    });
  }
  if (r.burst) {
    figures.push({
      name: `${r.burst.jobs} jobs deployed at once → all RUNNING via API (pull if missing)`,
      value: r.burst.agentMs,
      unit: 'ms',
      baseline: { name: `${r.burst.jobs} × dockerode create+start, all at once`, value: r.burst.rawMs },
      note: `one agent; mean of ${r.burst.rounds} round${r.burst.rounds === 1 ? '' : 's'}; overhead ${Math.round(r.burst.agentMs - r.burst.rawMs)} ms`,
    });
  }
  return figures;
}

if (isMainModule(import.meta.url)) await runStandalone('deployLatency', run, ['runs', 'burst']);
