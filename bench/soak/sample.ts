/** One point of the soak's time series: the master's and the real agent's resources, and the work done so far. */
import os from 'node:os';
import { percentile } from '../lib/stats.js';
import { cpuSeconds, fileSize, memoryBytes, openFiles } from '../lib/proc.js';
import type { JsonClient } from '../lib/http.js';
import type { Fleet } from '../sim/simFleet.js';
import type { Churn } from './churn.js';
import type { ErrorLog } from './errorLog.js';

export interface SoakSample {
  /** Seconds since the churn started. */
  t: number;
  /** The master's CPU since the previous sample, in % of one core, and the machine's 1-minute load average. */
  masterCpuPercent: number;
  load1: number;
  masterRssMB: number;
  masterPeakRssMB: number;
  /** The SQLite file and its WAL. */
  dbMB: number;
  walMB: number;
  masterFds: number;
  agentRssMB: number;
  agentFds: number;
  simCycles: number;
  realCycles: number;
  cyclesInFlight: number;
  /** Errors of the workload and the checks so far, and the simulated agents' failed requests. */
  errors: number;
  simErrors: number;
  simLastError?: string;
  /** Hosts the master holds DOWN (a simulated or real agent whose heartbeats fell behind). */
  hostsDown: number;
  /** p99 of the workload's requests and of GET /version since the previous sample. */
  requestP99Ms: number;
  versionP99Ms: number;
}

export interface SampleContext {
  api: JsonClient;
  startedAt: number;
  master: { pid: number; dbPath: string };
  agentPid: number;
  hosts: string[];
  churn?: Churn;
  fleet: Fleet;
  errors: ErrorLog;
  /** The master's CPU seconds at the previous sample, and when it was taken. */
  previous?: { cpu: number; at: number };
}

const MB = 2 ** 20;

export async function takeSample(c: SampleContext): Promise<SoakSample> {
  const master = memoryBytes(c.master.pid);
  const cpu = { cpu: cpuSeconds(c.master.pid), at: performance.now() };
  const masterCpuPercent = c.previous ? ((cpu.cpu - c.previous.cpu) / ((cpu.at - c.previous.at) / 1000)) * 100 : NaN;
  c.previous = cpu;
  const statuses = await c.api.request<Record<string, { status: string }>>('POST', '/hosts/statuses', c.hosts)
    .catch((err: unknown): Record<string, { status: string }> => { c.errors.add('POST /hosts/statuses', err); return {}; });
  const sim = await c.fleet.stats();
  const window = c.churn?.take() ?? { requests: [], version: [] };
  const wal = fileSize(`${c.master.dbPath}-wal`);
  return {
    t: Math.round((performance.now() - c.startedAt) / 1000),
    masterCpuPercent,
    load1: os.loadavg()[0],
    masterRssMB: master.rss / MB,
    masterPeakRssMB: master.peakRss / MB,
    dbMB: (fileSize(c.master.dbPath) + wal) / MB,
    walMB: wal / MB,
    masterFds: openFiles(c.master.pid),
    agentRssMB: memoryBytes(c.agentPid).rss / MB,
    agentFds: openFiles(c.agentPid),
    simCycles: c.churn?.counts.simCycles ?? 0,
    realCycles: c.churn?.counts.realCycles ?? 0,
    cyclesInFlight: c.churn?.inFlight() ?? 0,
    errors: c.errors.total(),
    simErrors: sim.errors,
    simLastError: sim.lastError,
    hostsDown: c.hosts.filter((h) => statuses[h]?.status !== 'UP').length,
    requestP99Ms: percentile(window.requests, 99),
    versionP99Ms: percentile(window.version, 99),
  };
}

/** The series as a table's rows: one line per sample. */
export function seriesRows(samples: readonly SoakSample[]): string[][] {
  const f = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
  return samples.map((s) => [String(s.t), f(s.masterCpuPercent, 0), f(s.load1), f(s.masterRssMB), f(s.dbMB, 2), f(s.walMB, 2), String(s.masterFds), f(s.agentRssMB),
    String(s.agentFds), String(s.simCycles), String(s.realCycles), String(s.cyclesInFlight), String(s.errors), String(s.simErrors), String(s.hostsDown),
    f(s.requestP99Ms), f(s.versionP99Ms)]);
}

export const seriesHead = ['t s', 'master CPU %', 'load', 'master RSS MB', 'db+wal MB', 'wal MB', 'master fds', 'agent RSS MB', 'agent fds', 'sim cycles',
  'real cycles', 'in flight', 'errors', 'sim errors', 'hosts DOWN', 'req p99 ms', '/version p99 ms'];
