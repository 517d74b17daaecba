/**
 * Soak: a real master with 1,000 simulated agents (bench/sim/) and one real agent on the Docker engine,
 * under continuous churn (soak/churn.ts) for N minutes. Reports every error (there must be none), the
 * master's RSS and database size every 30 s, and file descriptors at the end; the run fails (exit 1)
 * when anything went wrong. Not part of `npm run bench`: its point is the length of the run.
 *
 *   npm run soak -- [--minutes 10] [--agents 1000] [--rate 5] [--history-retention DUR] [--out bench/results/soak.json]
 *
 * --history-retention goes to the master (its default, 1 h, outlasts a 10-minute run: give 2m to see
 * the reapers bound the history of the churn's removed jobs within the run).
 *
 * Order: master → register the simulated hosts → a base of 2,000 jobs on them in one sync-apply commit →
 * start the simulated agents (they catch up) → the real agent with two steady jobs → churn, a sample
 * every 30 s → stop the churn → end checks (nothing left over, the steady containers untouched, every
 * base task RUNNING, every host UP) → fds with the fleet connected and after it left → clean up.
 * Ctrl-C ends the churn early and still reports.
 */
import os from 'node:os';
import path from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { dockerClient } from '../test/harness/agent.js';
import type { Figure } from './lib/figures.js';
import { createJsonClient } from './lib/http.js';
import { describeMachine, machine, requireOpenFilesFor } from './lib/machine.js';
import { startMaster } from './lib/masterProcess.js';
import { registerHosts, syncApplyJobs } from './lib/populate.js';
import { memoryBytes, openFiles } from './lib/proc.js';
import { percentile } from './lib/stats.js';
import { renderTable } from './lib/table.js';
import { sleep } from './lib/timing.js';
import { agentId } from './sim/simAgent.js';
import { startFleet, type Fleet } from './sim/simFleet.js';
import { logComplaints, startAgentProcess, type AgentProcess, type LogComplaints } from './soak/agentProcess.js';
import { startChurn } from './soak/churn.js';
import { createErrorLog } from './soak/errorLog.js';
import { checkEnd, deploySteady } from './soak/endChecks.js';
import { seriesHead, seriesRows, takeSample, type SampleContext, type SoakSample } from './soak/sample.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SAMPLE_MS = 30_000;
const BASE_JOBS = 2_000;
const HEARTBEAT_MS = 5_000;
const MB = 2 ** 20;

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    agents: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '5' },
    'history-retention': { type: 'string' },
    out: { type: 'string', default: path.join(here, 'results', 'soak.json') },
  },
});

function positive(flag: string, text: string): number {
  const n = Number(text);
  if (!(n > 0)) throw new Error(`--${flag} ${JSON.stringify(text)}: give a positive number`);
  return n;
}

const log = (message: string) => process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

let endEarly: () => void = () => {};
process.on('SIGINT', () => {
  log('SIGINT: ending the churn early (again to abort)');
  endEarly();
  process.removeAllListeners('SIGINT');
});

async function main(): Promise<number> {
  const minutes = positive('minutes', values.minutes!);
  const agents = Math.round(positive('agents', values.agents!));
  const rate = positive('rate', values.rate!);
  const limit = await requireOpenFilesFor(agents);
  const m = await machine();
  const loadBefore = os.loadavg();
  log(`${describeMachine(m)}; load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')}`);
  const errors = createErrorLog();
  const docker = dockerClient();
  const retention = values['history-retention'];
  const master = await startMaster({ args: retention ? ['--history-retention', retention] : [] });
  const api = createJsonClient({ baseUrl: master.baseUrl, timeoutMs: 60_000 });
  let fleet: Fleet | undefined;
  let agent: AgentProcess | undefined;
  try {
    const simHosts = Array.from({ length: agents }, (_, i) => `sim-${String(i).padStart(4, '0')}`);
    log(`registering ${agents} simulated hosts, ${BASE_JOBS} base jobs on two each in one commit`);
    await registerHosts(api, simHosts, agentId);
    const applied = await syncApplyJobs(api, 'soak-base', 0, BASE_JOBS, (i) => [simHosts[(2 * i) % agents], simHosts[(2 * i + 1) % agents]]);
    if (!applied) throw new Error('the master has no sync-apply endpoint');
    fleet = await startFleet({ baseUrls: [master.baseUrl], hosts: simHosts, processes: 4, heartbeatMs: HEARTBEAT_MS, waitMs: 60_000 });
    await fleet.ready();
    await fleet.waitForCount(BASE_JOBS * 2, 180_000);
    agent = await startAgentProcess({ baseUrl: master.baseUrl, name: `soak-real-${process.pid}` });
    const steady = await deploySteady(api, docker, agent.name);
    log(`the real agent ${agent.name} runs ${steady.length} steady containers; churning for ${minutes} min at ${rate} cycles/s`);

    const ctx: SampleContext = { api, startedAt: performance.now(), master, agentPid: agent.pid, hosts: [...simHosts, agent.name], fleet, errors };
    const samples: SoakSample[] = [await takeSample(ctx)];
    const churn = startChurn({ api, docker, simHosts, realHost: agent.name, rate, errors });
    ctx.churn = churn;
    const end = performance.now() + minutes * 60_000;
    let early = false;
    const ended = new Promise<void>((resolve) => { endEarly = () => { early = true; resolve(); }; });
    while (!early && performance.now() < end) {
      await Promise.race([sleep(Math.min(SAMPLE_MS, end - performance.now())), ended]);
      samples.push(await takeSample(ctx));
      const s = samples.at(-1)!;
      log(`t=${s.t} s: ${s.simCycles} + ${s.realCycles} cycles, ${s.errors} errors, ${s.simErrors} of simulated agents`
        + `${s.simLastError ? ` (last: ${s.simLastError})` : ''}, master ${s.masterRssMB.toFixed(0)} MB, db ${s.dbMB.toFixed(1)} MB`);
    }
    log('stopping the churn, waiting for the cycles under way');
    await churn.stop();
    samples.push(await takeSample(ctx));
    await checkEnd({ api, docker, agentName: agent.name, steady, baseJobs: BASE_JOBS, last: samples.at(-1)!, errors });

    const fdsConnected = openFiles(master.pid);
    const sim = await fleet.stop();
    fleet = undefined;
    errors.add('simulated agents', sim.lastError ?? '', sim.errors);
    await sleep(5_000); // the master closes the fleet's sockets
    const fdsAfterFleet = openFiles(master.pid);
    const masterLog = logComplaints(master.logPath);
    const agentLog = logComplaints(agent.logPath);
    errors.add('master log: error lines', masterLog.lastError ?? '', masterLog.error);
    errors.add('real agent log: error lines', agentLog.lastError ?? '', agentLog.error);
    const peakRss = memoryBytes(master.pid).peakRss / MB;

    const figures = soakFigures({ samples, churn, rate, minutes: (performance.now() - ctx.startedAt) / 60_000, errors, fdsConnected, fdsAfterFleet, peakRss, agents, limit, masterLog, agentLog });
    const series = new Table({ head: seriesHead, style: { head: [], border: [] }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
    series.push(...seriesRows(samples));
    const loadAfter = os.loadavg();
    process.stdout.write(`\n${describeMachine(m)}; load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} before, ${loadAfter.map((l) => l.toFixed(1)).join(' ')} after\n`);
    process.stdout.write(`${series.toString()}\n${renderTable(figures.map((f) => ({ benchmark: 'soak', ...f })), { color: process.stdout.isTTY })}\n`);
    const report = {
      date: new Date().toISOString(), machine: m, loadAverage: { before: loadBefore, after: loadAfter },
      options: { minutes, agents, rate, historyRetention: retention ?? 'the master\'s default', baseJobs: BASE_JOBS, sampleSeconds: SAMPLE_MS / 1000 },
      endedEarly: early,
      figures, errors: errors.byKind(), simulatedAgents: sim, series: samples,
    };
    mkdirSync(path.dirname(values.out!), { recursive: true });
    writeFileSync(values.out!, `${JSON.stringify(report, null, 2)}\n`);
    log(`${errors.total()} errors; wrote ${path.relative(process.cwd(), values.out!)}`);
    for (const [kind, e] of Object.entries(errors.byKind())) log(`error ${kind}: ${e.count}× (first: ${e.first.slice(0, 200)})`);
    return errors.total() === 0 ? 0 : 1;
  } finally {
    await fleet?.stop().catch(() => undefined);
    await agent?.stop();
    for (const c of await docker.listContainers({ all: true, filters: { label: [`helios.agent=soak-real-${process.pid}`] } })) {
      await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    }
    api.close();
    await master.stop();
  }
}

interface FigureInputs {
  samples: SoakSample[];
  churn: ReturnType<typeof startChurn>;
  rate: number;
  minutes: number;
  errors: ReturnType<typeof createErrorLog>;
  fdsConnected: number;
  fdsAfterFleet: number;
  peakRss: number;
  agents: number;
  limit: string;
  masterLog: LogComplaints;
  agentLog: LogComplaints;
}

/** Least-squares slope of `value` over the second half of the run, per minute. */
function trend(samples: SoakSample[], value: (s: SoakSample) => number): number {
  const half = samples.filter((s) => s.t >= samples.at(-1)!.t / 2);
  if (half.length < 2) return NaN;
  const xs = half.map((s) => s.t / 60);
  const ys = half.map(value);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  return sxx === 0 ? NaN : xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0) / sxx;
}

function soakFigures(i: FigureInputs): Figure[] {
  const first = i.samples[0];
  const last = i.samples.at(-1)!;
  const { counts, realRunningMs, whole } = i.churn;
  const kinds = Object.entries(i.errors.byKind()).map(([kind, e]) => `${kind} ${e.count}`).join(', ');
  return [
    { name: 'errors', value: i.errors.total(), unit: 'count', target: { op: '<=', value: 0 }, note: kinds || 'none' },
    { name: 'simulated-host cycles', value: counts.simCycles, unit: 'count',
      note: `create, deploy on 2, RUNNING, undeploy, gone, remove: ${(counts.simCycles / (i.minutes * 60)).toFixed(1)}/s of ${i.rate} asked, ${counts.skipped} starts skipped (too many in flight)` },
    { name: 'real-agent cycles', value: counts.realCycles, unit: 'count',
      note: `a real container each; deploy → RUNNING median ${percentile(realRunningMs, 50).toFixed(0)} ms, p99 ${percentile(realRunningMs, 99).toFixed(0)} ms` },
    { name: 'workload requests p99', value: percentile(whole.requests, 99), unit: 'ms', baseline: { name: 'GET /version p99', value: percentile(whole.version, 99) }, note: `n=${whole.requests.length}` },
    { name: 'master RSS at the end', value: last.masterRssMB, unit: 'MB', baseline: { name: 'when the churn started', value: first.masterRssMB }, note: `peak (VmHWM) ${i.peakRss.toFixed(0)} MB` },
    { name: 'master RSS trend, second half', value: trend(i.samples, (s) => s.masterRssMB), unit: 'MB/min', note: 'least squares over the samples' },
    { name: 'database size (db + wal) at the end', value: last.dbMB, unit: 'MB', baseline: { name: 'when the churn started', value: first.dbMB },
      note: `max ${Math.max(...i.samples.map((s) => s.dbMB)).toFixed(1)} MB; wal ${last.walMB.toFixed(1)} MB` },
    { name: 'database trend, second half', value: trend(i.samples, (s) => s.dbMB), unit: 'MB/min', note: 'least squares over the samples' },
    { name: 'master fds at the end', value: i.fdsConnected, unit: 'count', baseline: { name: 'when the churn started', value: first.masterFds },
      note: `${i.agents + 1} agents connected; ${i.fdsAfterFleet} once the simulated agents left (ulimit -n ${i.limit})` },
    { name: 'real agent RSS at the end', value: last.agentRssMB, unit: 'MB', baseline: { name: 'when the churn started', value: first.agentRssMB }, note: `fds ${first.agentFds} → ${last.agentFds}` },
    { name: 'hosts DOWN, most at one sample', value: Math.max(...i.samples.map((s) => s.hostsDown)), unit: 'count', note: `of ${i.agents + 1}` },
    { name: 'warnings logged', value: i.masterLog.warn + i.agentLog.warn, unit: 'count', note: [`master ${i.masterLog.warn}`, i.masterLog.lastWarn && `(last: ${i.masterLog.lastWarn.slice(0, 80)})`,
      `real agent ${i.agentLog.warn}`, i.agentLog.lastWarn && `(last: ${i.agentLog.lastWarn.slice(0, 80)})`].filter(Boolean).join(' ') },
  ];
}

main().then((code) => process.exit(code), (err: unknown) => {
  log(`failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
