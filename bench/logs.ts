/**
 * Logs through the master (issue 20), next to `docker logs -f` of the same container in the same run:
 *  - throughput: a container that printed N lines of 81 bytes at once, read from the start with
 *    `helios logs -f` (the real CLI: through the master and the agent's channel) and with the docker
 *    CLI's `docker logs -f`, interleaved rounds; lines/s and MB/s from the first byte to the last line
 *    (each command's start-up is the next figure, not this one);
 *  - a line's latency: a container printing a line every 100 ms, followed by both at once; for each
 *    line, the time it arrived minus the engine's timestamp of it (when the engine read it from the
 *    container), p50 and p95 (the target: within 300 ms);
 *  - first line: from starting `helios logs -f --tail 1` (or `docker logs -f --tail 1`) to its first line.
 * The master and the agent run in this process, each command as a child process.
 *
 *   DOCKER_HOST=unix:///tmp/dk1/docker.sock npx tsx bench/logs.ts [--lines 200000] [--quick]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startAgent } from '../agent/agent.js';
import { startTestMaster } from '../test/harness/master.js';
import { CLI_BIN, ensureCliBuilt } from '../test/cliHarness.js';
import { dockerClient } from '../test/harness/agent.js';
import type { BenchOptions, Figure } from './lib/figures.js';
import { median, percentile } from './lib/stats.js';
import { isMainModule, runStandalone } from './lib/standalone.js';

const LINE = 'x'.repeat(80);
const END = 'FLOOD-END';
const TARGET_LATENCY_MS = 300;


const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Read {
  /** ms from the start of the command to its first byte, and from its first byte to the line `until`. */
  firstByteMs: number;
  transferMs: number;
  bytes: number;
}

/** Runs a following command until its output holds `until`; then kills it. */
function readUntil(cmd: string, args: string[], env: NodeJS.ProcessEnv, until: string): Promise<Read> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let first = 0;
    let bytes = 0;
    let tail = '';
    let stderr = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${cmd} ${args.join(' ')}: no ${until} in 120 s: ${stderr.slice(-500)}`)); }, 120_000);
    child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
    child.stdout.on('data', (chunk: Buffer) => {
      const now = performance.now();
      if (bytes === 0) first = now;
      bytes += chunk.length;
      tail = (tail + chunk.toString('latin1')).slice(-200);
      if (tail.includes(until)) {
        clearTimeout(timer);
        child.kill('SIGKILL');
        resolve({ firstByteMs: first - start, transferMs: now - first, bytes });
      }
    });
  });
}

/** Each line's arrival minus the engine's timestamp of it, for `count` lines, from a following command printing timestamps. */
function lineLatencies(cmd: string, args: string[], env: NodeJS.ProcessEnv, parse: (line: string) => string | undefined, count: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const samples: number[] = [];
    let partial = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${cmd}: ${samples.length} of ${count} lines in 60 s`)); }, 60_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const now = Date.now();
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        const time = parse(line);
        if (time !== undefined) samples.push(now - Date.parse(time));
      }
      if (samples.length >= count) {
        clearTimeout(timer);
        child.kill('SIGKILL');
        resolve(samples.slice(0, count));
      }
    });
  });
}

export async function run(options: BenchOptions & { lines?: number } = {}): Promise<Figure[]> {
  const log = options.log ?? (() => {});
  const lines = options.lines ?? (options.quick ? 30_000 : 200_000);
  const rounds = options.quick ? 1 : 3;
  await ensureCliBuilt();
  const docker = dockerClient();
  const master = await startTestMaster();
  const stateDir = await mkdtemp(join(tmpdir(), 'helios-bench-logs-'));
  const name = `bench-logs-${process.pid}`;
  const agent = await startAgent({ master: master.url, name, dockerHost: process.env.DOCKER_HOST || 'unix:///var/run/docker.sock', bindIp: '127.0.0.1',
    stateDir, pullPolicy: 'missing', logger: pino({ level: 'warn' }) });
  const cliEnv = { HELIOS_MASTER: master.url, HELIOS_TOKEN: '' };
  const containerOf = async (jobId: string) => {
    for (;;) {
      const [c] = await docker.listContainers({ filters: { label: [`helios.agent=${name}`, `helios.job=${jobId}`] } });
      if (c) return c.Id;
      await sleep(100);
    }
  };
  try {
    const flood = await master.client.jobs.create({ name: 'flood', version: '1', image: 'busybox:latest', secondsToWaitBeforeKill: 1,
      command: ['sh', '-c', `yes ${LINE} | head -n ${lines}; echo ${END}; exec sleep 100000`] });
    const ticker = await master.client.jobs.create({ name: 'ticker', version: '1', image: 'busybox:latest', secondsToWaitBeforeKill: 1,
      command: ['sh', '-c', 'while true; do echo tick; usleep 100000; done'] });
    await master.client.deployments.deploy(name, flood.id);
    await master.client.deployments.deploy(name, ticker.id);
    const floodId = await containerOf(flood.id);
    const tickerId = await containerOf(ticker.id);
    for (;;) {
      const last = await docker.getContainer(floodId).logs({ stdout: true, tail: 1 }) as unknown as Buffer;
      if (last.toString().includes(END)) break;
      await sleep(200);
    }
    log(`flood printed ${lines} lines; ${rounds} rounds of helios logs -f and docker logs -f`);
    const helios: Read[] = [];
    const raw: Read[] = [];
    for (let round = 0; round < rounds; round++) {
      const pair = [
        async () => helios.push(await readUntil(process.execPath, [CLI_BIN, 'logs', '-f', 'flood'], cliEnv, END)),
        async () => raw.push(await readUntil('docker', ['logs', '-f', floodId], {}, END)),
      ];
      for (const one of round % 2 === 0 ? pair : pair.reverse()) await one();
    }
    const mb = (lines * (LINE.length + 1)) / 1e6;
    const rate = (reads: Read[]) => median(reads.map((r) => lines / (r.transferMs / 1000)));
    const mbRate = (reads: Read[]) => median(reads.map((r) => mb / (r.transferMs / 1000)));

    log('line latency: the ticker followed by both at once');
    const count = options.quick ? 20 : 50;
    const [heliosLatency, rawLatency] = await Promise.all([
      lineLatencies(process.execPath, [CLI_BIN, 'logs', '-f', '--tail', '0', '--json', 'ticker'], cliEnv,
        (line) => { const r = JSON.parse(line) as { time?: string }; return r.time; }, count),
      lineLatencies('docker', ['logs', '-f', '-t', '--tail', '0', tickerId], {}, (line) => line.split(' ')[0] || undefined, count),
    ]);

    log('first line of a follow');
    const firstHelios: number[] = [];
    const firstRaw: number[] = [];
    for (let i = 0; i < (options.quick ? 2 : 5); i++) {
      firstHelios.push((await readUntil(process.execPath, [CLI_BIN, 'logs', '-f', '--tail', '1', 'ticker'], cliEnv, 'tick')).firstByteMs);
      firstRaw.push((await readUntil('docker', ['logs', '-f', '--tail', '1', tickerId], {}, 'tick')).firstByteMs);
    }
    const note = `${lines} lines of 81 B (${mb.toFixed(1)} MB), median of ${rounds}`;
    return [
      { name: 'helios logs -f: lines/s from one container', value: Math.round(rate(helios)), unit: '/s', baseline: { name: 'docker logs -f', value: Math.round(rate(raw)) }, note },
      { name: 'helios logs -f: MB/s from one container', value: Number(mbRate(helios).toFixed(1)), unit: 'MB/s', baseline: { name: 'docker logs -f', value: Number(mbRate(raw).toFixed(1)) }, note },
      { name: 'a new line printed → shown by helios logs -f, p50', value: median(heliosLatency), unit: 'ms', baseline: { name: 'docker logs -f', value: median(rawLatency) }, note: `${count} lines, 100 ms apart` },
      { name: 'a new line printed → shown by helios logs -f, p95', value: percentile(heliosLatency, 95), unit: 'ms', baseline: { name: 'docker logs -f', value: percentile(rawLatency, 95) }, target: { op: '<', value: TARGET_LATENCY_MS } },
      { name: 'helios logs -f --tail 1: start → first line, median', value: Math.round(median(firstHelios)), unit: 'ms', baseline: { name: 'docker logs -f --tail 1', value: Math.round(median(firstRaw)) }, note: 'CLI start-up, job lookup and the stream' },
    ];
  } finally {
    await agent.stop();
    for (const c of await docker.listContainers({ all: true, filters: { label: [`helios.agent=${name}`] } })) await docker.getContainer(c.Id).remove({ force: true }).catch(() => {});
    await master.close();
    await rm(stateDir, { recursive: true, force: true });
  }
}

if (isMainModule(import.meta.url)) await runStandalone('logs', run, ['lines']);
