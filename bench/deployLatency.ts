/**
 * Deploy latency: from the deploy request (PUT /hosts/{host}/jobs/{id}) to RUNNING visible through the
 * API (GET /jobs/{id}/status polled in a tight loop), next to the raw dockerode create+start of the same
 * container measured in the same run, interleaved so both see the same machine load.
 * Two agent variants: the default pull policy (Helios: try the registry first, here it fails fast and the
 * local image is used) and `pullPolicy: 'missing'` (no registry round trip when the image is present).
 *
 *   DOCKER_HOST=unix:///tmp/dk1/docker.sock npx tsx bench/deployLatency.ts [--runs 20]
 */
import { pathToFileURL } from 'node:url';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import Docker from 'dockerode';
import { startAgent } from '../agent/agent.js';
import { startTestMaster, type TestMaster } from '../test/harness/master.js';
import type { BenchOptions, Figure } from './lib/figures.js';
import { percentile } from './lib/stats.js';
import { renderTable } from './lib/table.js';

const IMAGE = 'busybox:latest';
const COMMAND = ['sleep', '1000'];
const TARGET_OVERHEAD_MS = 50;
/** Polling back to back would starve the master and agent sharing this process; 2 ms costs ≤ 2 ms. */
const POLL_MS = 2;

function dockerFromEnv(): Docker {
  const host = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
  if (host.startsWith('unix://')) return new Docker({ socketPath: host.slice('unix://'.length) });
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return new Docker({ host: url.hostname, port: Number(url.port) || 2375 });
}

/** ms from the deploy request until the API shows RUNNING; the status is polled every POLL_MS. */
async function deployOnce(master: TestMaster, host: string, jobId: string): Promise<number> {
  const start = performance.now();
  await master.client.deployments.deploy(host, jobId);
  for (;;) {
    const status = await master.client.jobs.status(jobId);
    if (status.taskStatuses[host]?.state === 'RUNNING') return performance.now() - start;
    if (performance.now() - start > 60_000) throw new Error(`${jobId} not RUNNING after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function undeployAndWait(master: TestMaster, docker: Docker, host: string, jobId: string): Promise<void> {
  await master.client.deployments.undeploy(host, jobId);
  for (;;) {
    const left = await docker.listContainers({ all: true, filters: { label: [`helios.agent=${host}`] } });
    if (left.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The baseline: what Docker itself takes to create and start the same container. */
async function rawOnce(docker: Docker, i: number): Promise<number> {
  const start = performance.now();
  const container = await docker.createContainer({ Image: IMAGE, Cmd: COMMAND, Labels: { 'helios.bench': 'raw' }, name: `helios-bench-raw-${process.pid}-${i}` });
  await container.start();
  const ms = performance.now() - start;
  await container.remove({ force: true });
  return ms;
}

export interface DeployLatencyFigures {
  runs: number;
  rawMs: number[];
  agentMs: Record<'always' | 'missing', number[]>;
}

/** Runs the benchmark; returns the figures (bench/lib shape) and prints nothing. */
export async function run(options: BenchOptions & { runs?: number } = {}): Promise<Figure[]> {
  const raw = await measure(options);
  return toFigures(raw);
}

export async function measure(options: BenchOptions & { runs?: number } = {}): Promise<DeployLatencyFigures> {
  const runs = options.runs ?? (options.quick ? 5 : 20);
  const log = options.log ?? (() => {});
  const docker = dockerFromEnv();
  const master = await startTestMaster();
  const stateRoot = await mkdtemp(join(tmpdir(), 'helios-bench-agent-'));
  const result: DeployLatencyFigures = { runs, rawMs: [], agentMs: { always: [], missing: [] } };
  const agents: Array<{ stop(): Promise<void> }> = [];
  try {
    const hosts = {} as Record<'always' | 'missing', string>;
    for (const policy of ['always', 'missing'] as const) {
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
      for (const policy of ['always', 'missing'] as const) {
        const { id } = await master.client.jobs.create({ id: `lat-${policy}-${i + 1}:1`, image: IMAGE, command: COMMAND, secondsToWaitBeforeKill: 0 });
        const ms = await deployOnce(master, hosts[policy], id);
        await undeployAndWait(master, docker, hosts[policy], id);
        if (i >= 0) result.agentMs[policy].push(ms);
      }
      if (i >= 0) result.rawMs.push(await rawOnce(docker, i));
      if (i >= 0) log(`run ${i + 1}/${runs}`);
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
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`agent ${host} never registered`);
}

export function toFigures(r: DeployLatencyFigures): Figure[] {
  const figures: Figure[] = [];
  const rawMedian = percentile(r.rawMs, 50);
  for (const stat of ['median', 'p95'] as const) {
    const p = stat === 'median' ? 50 : 95;
    figures.push({ name: `dockerode create+start ${stat}`, value: percentile(r.rawMs, p), unit: 'ms', note: `n=${r.rawMs.length}` });
  }
  for (const policy of ['always', 'missing'] as const) {
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
      name: `orchestration overhead median (pull ${policy})`,
      value: percentile(r.agentMs[policy], 50) - rawMedian,
      unit: 'ms',
      target: { op: '<', value: TARGET_OVERHEAD_MS },
      note: 'median(deploy→RUNNING) − median(raw create+start)',
    });
  }
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { runs: { type: 'string' }, quick: { type: 'boolean' } } });
  const figures = await run({ runs: values.runs ? Number(values.runs) : undefined, quick: values.quick, log: (m) => process.stderr.write(`${m}\n`) });
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  process.stdout.write(`${renderTable(figures.map((f) => ({ ...f, benchmark: 'deployLatency' })))}\n`);
  process.exit(0);
}
