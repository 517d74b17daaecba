/**
 * GitOps latency: from `git commit` of a new job file to the job RUNNING on an agent (the status polled
 * through the master's API), by two routes:
 *  - a local repository watched by the syncer (`--watch`: chokidar on its refs);
 *  - an HTTP remote (`git http-backend`) and a push webhook (signed as GitHub does), the commit pushed.
 * Baseline, measured in the same run and interleaved: the raw `git commit` (and push, for the remote)
 * plus the raw dockerode create+start of the same container — what the two steps cost with no
 * orchestrator between them. Target: under 1.5 s (Argo CD polls every 3 min by default, Flux every 1).
 *
 *   DOCKER_HOST=unix:///tmp/dk1/docker.sock npx tsx bench/gitopsLatency.ts [--quick]
 */
import Docker from 'dockerode';
import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { startAgent, type Agent } from '../agent/agent.js';
import { buildJob } from '../core/index.js';
import { parseJobFile } from '../syncer/manifests/parseJobFile.js';
import { parseOptions, type SyncerConfig } from '../syncer/options.js';
import { startSyncer, type Syncer } from '../syncer/sync.js';
import { gitRepo, startGitServer } from '../test/harness/gitServer.js';
import { startTestMaster, type TestMaster } from '../test/harness/master.js';
import { gitCli, jobYaml } from './gitopsFixtures.js';
import type { BenchOptions, Figure } from './lib/figures.js';
import { median, percentile } from './lib/stats.js';
import { renderTable } from './lib/table.js';

const POLL_MS = 5;
const SECRET = 'bench-webhook-secret';
const TARGET_MS = 1500;

interface Route {
  name: string;
  /** Commits (and pushes) the file; resolves when git is done; the time is the baseline's git part. */
  commit(file: string, text: string): Promise<void>;
  /** After the commit: what tells the syncer (nothing for --watch, the webhook call for a remote). */
  notify(): Promise<void>;
}

export async function run(options: BenchOptions = {}): Promise<Figure[]> {
  const runs = options.quick ? 3 : 8;
  const log = options.log ?? (() => {});
  const docker = dockerFromEnv();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-gitops-'));
  const master = await startTestMaster();
  const stops: (() => Promise<unknown>)[] = [() => master.close()];
  const host = `bench-gitops-${process.pid}`;
  try {
    const agent: Agent = await startAgent({
      master: master.url, name: host, stateDir: path.join(tmp, 'agent'), bindIp: '127.0.0.1', pullPolicy: 'missing',
      dockerHost: process.env.DOCKER_HOST, logger: pino({ level: 'warn' }),
    });
    stops.unshift(async () => {
      await agent.stop();
      for (const c of await docker.listContainers({ all: true, filters: { label: [`helios.agent=${host}`] } })) {
        await docker.getContainer(c.Id).remove({ force: true }).catch(() => {});
      }
    });

    // Route 1: a local working copy, watched.
    const local = path.join(tmp, 'local');
    fs.mkdirSync(path.join(local, 'jobs'), { recursive: true });
    gitCli(local, 'init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(local, 'jobs', '.gitkeep'), '');
    gitCli(local, 'add', '.');
    gitCli(local, 'commit', '-q', '-m', 'init');
    const watched = await syncer(master, ['--repo', local, '--watch', '--name', 'bench-local']);
    stops.unshift(() => watched.stop());
    const localRoute: Route = {
      name: 'local repo + --watch',
      async commit(file, text) {
        fs.writeFileSync(path.join(local, file), text);
        gitCli(local, 'add', file);
        gitCli(local, 'commit', '-q', '-m', file);
      },
      notify: async () => {},
    };

    // Route 2: an HTTP remote and a webhook.
    const gitRoot = path.join(tmp, 'git');
    fs.mkdirSync(gitRoot);
    const server = await startGitServer({ root: gitRoot });
    stops.unshift(() => server.close());
    let pushed = '';
    const repo = await gitRepo(gitRoot, { 'jobs/.gitkeep': '' }, { name: 'bench' });
    fs.writeFileSync(path.join(tmp, 'secret'), SECRET);
    const hooked = await syncer(master, ['--repo', `${server.url}/bench.git`, '--name', 'bench-remote', '--cache-dir', path.join(tmp, 'cache'),
      '--webhook', '127.0.0.1:0', '--webhook-secret-file', path.join(tmp, 'secret')]);
    stops.unshift(() => hooked.stop());
    const remoteRoute: Route = {
      name: 'HTTP remote + webhook',
      async commit(file, text) {
        fs.writeFileSync(path.join(repo.work, file), text);
        gitCli(repo.work, 'add', file);
        gitCli(repo.work, 'commit', '-q', '-m', file);
        gitCli(repo.work, 'push', '-q', 'origin', 'HEAD');
        pushed = gitCli(repo.work, 'rev-parse', 'HEAD');
      },
      async notify() {
        // A push event as GitHub sends it: the pushed commit makes every delivery new (the webhook drops replays).
        const body = JSON.stringify({ ref: 'refs/heads/main', after: pushed });
        const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
        const res = await fetch(`${hooked.webhook!.url}/webhook`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature, 'x-github-event': 'push' } });
        if (res.status !== 202) throw new Error(`webhook answered ${res.status}`);
      },
    };

    const samples = new Map<string, { total: number[]; git: number[] }>();
    const raw: number[] = [];
    await rawDocker(docker, -1);
    for (let i = -1; i < runs; i++) {
      for (const route of [localRoute, remoteRoute]) {
        const name = `lat-${route === localRoute ? 'l' : 'r'}${i + 1}`;
        const text = jobYaml(name, { hosts: [host], command: ['sleep', '3600'] });
        const id = idOf(text);
        const start = performance.now();
        await route.commit(`jobs/${name}.yaml`, text);
        const gitMs = performance.now() - start;
        await route.notify();
        await waitRunning(master, id, host);
        const total = performance.now() - start;
        if (i >= 0) {
          const s = samples.get(route.name) ?? samples.set(route.name, { total: [], git: [] }).get(route.name)!;
          s.total.push(total);
          s.git.push(gitMs);
        }
        log(`${route.name}: ${Math.round(total)} ms (git ${Math.round(gitMs)} ms)`);
      }
      const rawMs = await rawDocker(docker, i);
      if (i >= 0) raw.push(rawMs);
    }
    const figures: Figure[] = [];
    for (const [name, s] of samples) {
      const baseline = median(s.git) + median(raw);
      figures.push(
        { name: `commit → RUNNING, ${name}, median`, value: median(s.total), unit: 'ms', baseline: { name: 'git + docker create/start', value: baseline }, target: { op: '<', value: TARGET_MS }, note: `n=${s.total.length}` },
        { name: `commit → RUNNING, ${name}, max`, value: percentile(s.total, 100), unit: 'ms', target: { op: '<', value: TARGET_MS }, note: `git part median ${Math.round(median(s.git))} ms` },
      );
    }
    figures.push({ name: 'raw docker create+start median', value: median(raw), unit: 'ms', note: `n=${raw.length}` });
    return figures;
  } finally {
    for (const stop of stops) await stop().catch(() => {});
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function syncer(master: TestMaster, args: string[]): Promise<Syncer> {
  const config = parseOptions(['--master', master.url, '--interval', '1h', ...args], {}) as SyncerConfig;
  const s = await startSyncer(config, pino({ level: 'warn' }));
  await s.reactor.next();
  return s;
}

function idOf(text: string): string {
  const parsed = parseJobFile('f.yaml', text);
  if (!parsed.ok) throw new Error('bad job file');
  return buildJob(parsed.job.spec).job.id;
}

async function waitRunning(master: TestMaster, id: string, host: string): Promise<void> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    const status = await master.client.jobs.status(id).catch(() => undefined);
    if (status?.taskStatuses[host]?.state === 'RUNNING') return;
    if (performance.now() > deadline) throw new Error(`${id} not RUNNING after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function rawDocker(docker: Docker, i: number): Promise<number> {
  const start = performance.now();
  const container = await docker.createContainer({ Image: 'busybox:latest', Cmd: ['sleep', '3600'], name: `helios-bench-gitops-raw-${process.pid}-${i + 1}` });
  await container.start();
  const ms = performance.now() - start;
  await container.remove({ force: true });
  return ms;
}

function dockerFromEnv(): Docker {
  const host = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
  if (host.startsWith('unix://')) return new Docker({ socketPath: host.slice('unix://'.length) });
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return new Docker({ host: url.hostname, port: Number(url.port) || 2375 });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  execFileSync('git', ['--version']);
  const figures = await run({ quick: process.argv.includes('--quick'), log: (m) => process.stderr.write(`${m}\n`) });
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n${renderTable(figures.map((f) => ({ benchmark: 'gitopsLatency', ...f })))}\n`);
  process.exit(0);
}
