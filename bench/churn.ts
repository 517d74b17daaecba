/**
 * Churn: does the master's database stay bounded when jobs come and go? A real master (child process,
 * its own SQLite file) and simulated agents (bench/sim/, in this process) that report every state of a
 * task's life; N cycles of create → deploy → RUNNING reported → undeploy → remove, 32 at a time. The
 * agent's STOPPING and STOPPED arrive after the undeploy and the removal, as a real agent's do, so
 * every removed job leaves history and a status behind for the reapers (master/reapers/).
 *
 * The same churn runs twice, each on a fresh master: with a short --history-retention (the reapers at
 * work) and with one longer than the run (what every master did before the reapers, history kept for
 * ever). The database (file + WAL) and the master's RSS are sampled over the run.
 */
import Database from 'better-sqlite3';
import type { BenchOptions, Figure } from './lib/figures.js';
import { createJsonClient, seg, type JsonClient } from './lib/http.js';
import { startMaster, type MasterProcess } from './lib/masterProcess.js';
import { benchJob } from './lib/populate.js';
import { pool } from './lib/pool.js';
import { cpuSeconds, fileSize, memoryBytes } from './lib/proc.js';
import { sleep } from './lib/timing.js';
import { createSimAgent } from './sim/simAgent.js';
import type { SimStats } from './sim/messages.js';

const sizes = { full: { cycles: 10_000 }, quick: { cycles: 1_000 } };
const HOSTS = 16;
const IN_FLIGHT = 32;
/** The retention of the reaped run: short enough that the run sees many retention periods. */
const RETENTION = '5s';
/** A step the simulated agent answers at once; the bound only matters on a machine so loaded it stalls. */
const STEP_MS = 30_000;
const MB = 2 ** 20;
const QUARTERS = [0.25, 0.5, 0.75, 1];

interface Sample {
  cycles: number;
  seconds: number;
  dbBytes: number;
  walBytes: number;
  rssBytes: number;
  tables: TableBytes;
}

interface ChurnRun {
  cycles: number;
  seconds: number;
  samples: Sample[];
  peakRssBytes: number;
  cpuSeconds: number;
  /** Rows left in the tables the reapers keep bounded, at the end. */
  rows: { history: number; statuses: number; removedJobs: number; audit: number };
  sim: SimStats;
}

/** Bytes of the database file by table, indexes included (SQLite's dbstat), and its free pages. */
interface TableBytes {
  history: number;
  statuses: number;
  audit: number;
  free: number;
}

export async function run(options: BenchOptions = {}): Promise<Figure[]> {
  const size = options.quick ? sizes.quick : sizes.full;
  const log = options.log ?? (() => {});
  const budget = options.budgetMs ?? (options.quick ? 60_000 : 180_000);
  const deadline = performance.now() + budget;

  log(`churn, reaped: ${size.cycles} cycles with --history-retention ${RETENTION}`);
  const reaped = await churn(['--history-retention', RETENTION], size.cycles, performance.now() + budget * 0.5, log);
  log(`churn, kept: the same with history kept for the whole run (no reaping)`);
  const kept = await churn(['--history-retention', '30d'], size.cycles, deadline - 5_000, log);

  const at = (r: ChurnRun, fraction: number) => r.samples.find((s) => s.cycles >= fraction * r.cycles) ?? r.samples[r.samples.length - 1];
  const total = (s: Sample) => s.dbBytes + s.walBytes;
  const reapedTables = (s: Sample) => s.tables.history + s.tables.statuses;
  // The audit log grows with every write until it keeps its newest 100,000 events (store/audit.ts),
  // after about 25,000 cycles: what stays bounded within a run is the rest.
  const withoutAudit = (s: Sample) => total(s) - s.tables.audit;
  const end = at(reaped, 1);
  const keptEnd = at(kept, 1);
  // Growth of the second half of the cycles against the size at half-way: about 1 (100%) when every
  // cycle leaves something behind and the first half started near empty, about 0 once it levels off.
  const secondHalf = (r: ChurnRun, measure: (s: Sample) => number) => (measure(at(r, 1)) - measure(at(r, 0.5))) / Math.max(1, measure(at(r, 0.5))) * 100;
  const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
  const rate = (r: ChurnRun) => `${r.cycles} cycles in ${r.seconds.toFixed(0)} s (${(r.cycles / r.seconds).toFixed(0)}/s)`;
  const rows = (r: ChurnRun) => `${r.rows.history} history events, ${r.rows.statuses} statuses, ${r.rows.removedJobs} removed jobs left`;
  const cyclesOf = (r: ChurnRun, s: Sample) => `${s.cycles.toLocaleString('en')} of ${r.cycles.toLocaleString('en')} cycles, ${s.seconds.toFixed(0)} s`;
  const auditPerEvent = end.tables.audit / Math.max(1, reaped.rows.audit);

  return [
    ...QUARTERS.map((q): Figure => {
      const s = at(reaped, q);
      return {
        name: `db + wal after ${Math.round(q * 100)}% of the cycles`, value: total(s) / MB, unit: 'MB',
        baseline: { name: 'history kept', value: total(at(kept, q)) / MB },
        note: `${cyclesOf(reaped, s)}; wal ${mb(s.walBytes)}, history + statuses ${mb(reapedTables(s))}, audit ${mb(s.tables.audit)}, free ${mb(s.tables.free)}`,
      };
    }),
    ...QUARTERS.map((q): Figure => {
      const s = at(reaped, q);
      return { name: `master RSS after ${Math.round(q * 100)}% of the cycles`, value: s.rssBytes / MB, unit: 'MB',
        baseline: { name: 'history kept', value: at(kept, q).rssBytes / MB }, note: cyclesOf(reaped, s) };
    }),
    { name: 'history + statuses at the end (tables and indexes)', value: reapedTables(end) / MB, unit: 'MB', target: { op: '<', value: 16 },
      baseline: { name: 'history kept', value: reapedTables(keptEnd) / MB }, note: `${rows(reaped)}; history kept: ${rows(kept)}` },
    { name: 'db + wal but the audit log, growth in the 2nd half', value: secondHalf(reaped, withoutAudit), unit: '%', target: { op: '<', value: 25 },
      baseline: { name: 'history kept', value: secondHalf(kept, withoutAudit) },
      note: `half-way → end: ${mb(withoutAudit(at(reaped, 0.5)))} → ${mb(withoutAudit(end))}; history kept ${mb(withoutAudit(at(kept, 0.5)))} → ${mb(withoutAudit(keptEnd))}` },
    { name: 'audit log at the end', value: end.tables.audit / MB, unit: 'MB',
      note: `${reaped.rows.audit} events, ${Math.round(auditPerEvent)} bytes each: the newest 100,000 are kept, at most ${mb(auditPerEvent * 100_000)}` },
    { name: 'database size at the end (db + wal)', value: total(end) / MB, unit: 'MB', target: { op: '<', value: 64 },
      baseline: { name: 'history kept', value: total(keptEnd) / MB }, note: `file ${mb(end.dbBytes)} (${mb(end.tables.free)} free pages), wal ${mb(end.walBytes)}` },
    { name: 'master peak RSS (VmHWM)', value: reaped.peakRssBytes / MB, unit: 'MB', target: { op: '<', value: 300 },
      baseline: { name: 'history kept', value: kept.peakRssBytes / MB }, note: `master CPU ${reaped.cpuSeconds.toFixed(1)} s, history kept ${kept.cpuSeconds.toFixed(1)} s` },
    { name: 'churn cycles per second', value: reaped.cycles / reaped.seconds, unit: '/s',
      baseline: { name: 'history kept', value: kept.cycles / kept.seconds }, note: `${rate(reaped)}; history kept: ${rate(kept)}; ${IN_FLIGHT} in flight over ${HOSTS} hosts` },
    { name: 'simulated agent errors', value: reaped.sim.errors + kept.sim.errors, unit: 'count', target: { op: '<=', value: 0 },
      note: `${reaped.sim.reports + kept.sim.reports} status reports${reaped.sim.lastError ?? kept.sim.lastError ? `; last: ${(reaped.sim.lastError ?? kept.sim.lastError)!.slice(0, 80)}` : ''}` },
  ];
}

/** One master, its agents, `cycles` cycles (fewer if `deadline` comes first), sampled every 1/20th. */
async function churn(masterArgs: string[], cycles: number, deadline: number, log: (m: string) => void): Promise<ChurnRun> {
  const master = await startMaster({ args: ['--down-after', '10m', ...masterArgs] });
  const api = createJsonClient({ baseUrl: master.baseUrl, timeoutMs: 60_000 });
  const agentApi = createJsonClient({ baseUrl: master.baseUrl, owner: 'agent', timeoutMs: 90_000 });
  const stats: SimStats = { heartbeats: 0, polls: 0, reports: 0, errors: 0 };
  const running = new Map<string, () => void>();
  const hosts = Array.from({ length: HOSTS }, (_, i) => `churn-${i}`);
  const agents = hosts.map((host) => createSimAgent({
    api: agentApi, host, heartbeatMs: 5_000, waitMs: 60_000, stats, lifecycle: true, onReceived: () => {},
    onReported: (report) => { for (const id of report.running) running.get(id)?.(); },
  }));
  try {
    await Promise.all(agents.map((agent, i) => agent.start(i * 500)));
    const t0 = performance.now();
    const samples: Sample[] = [];
    let done = 0;
    const sample = () => samples.push({
      cycles: done, seconds: (performance.now() - t0) / 1000, dbBytes: fileSize(master.dbPath),
      walBytes: fileSize(`${master.dbPath}-wal`), rssBytes: memoryBytes(master.pid).rss, tables: tableBytes(master.dbPath),
    });
    sample();
    const every = Math.max(1, Math.floor(cycles / 20));
    const result = await pool(Array.from({ length: cycles }, (_, i) => i), IN_FLIGHT, async (i) => {
      await cycle(api, hosts[i % HOSTS], i, running);
      if (++done % every === 0) {
        sample();
        if (done % (every * 5) === 0) log(`${done} cycles, db + wal ${((fileSize(master.dbPath) + fileSize(`${master.dbPath}-wal`)) / MB).toFixed(1)} MB`);
      }
    }, deadline);
    if (result.errors > 0) throw new Error(`${result.errors} churn cycles failed; first: ${String(result.firstError)}`);
    // The agents' last STOPPED reports land; then one reaper run (every 5 s) at least.
    await sleep(6_000);
    sample();
    const seconds = (performance.now() - t0) / 1000;
    return { cycles: done, seconds, samples, peakRssBytes: memoryBytes(master.pid).peakRss, cpuSeconds: cpuSeconds(master.pid), rows: countRows(master), sim: { ...stats } };
  } finally {
    for (const agent of agents) agent.stop();
    api.close();
    agentApi.close();
    await master.stop();
  }
}

/** create → deploy → the agent reported it RUNNING → undeploy → remove (its STOPPED comes later). */
async function cycle(api: JsonClient, host: string, i: number, running: Map<string, () => void>): Promise<void> {
  const { id } = await api.request<{ id: string }>('POST', '/jobs', benchJob(i, 'churn'));
  const reported = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${id} not reported RUNNING within ${STEP_MS} ms`)), STEP_MS);
    running.set(id, () => { clearTimeout(timer); resolve(); });
  });
  try {
    await api.request('PUT', `/hosts/${seg(host)}/jobs/${seg(id)}`, { job: id, goal: 'START' });
    await reported;
  } finally {
    running.delete(id);
  }
  await api.request('DELETE', `/hosts/${seg(host)}/jobs/${seg(id)}`);
  await api.request('DELETE', `/jobs/${seg(id)}`);
}

/** What each table (with its indexes) takes in the file, read through a second, read-only connection. */
function tableBytes(dbPath: string): TableBytes {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare(`SELECT s.tbl_name AS name, SUM(d.pgsize) AS bytes FROM dbstat d JOIN sqlite_schema s ON s.name = d.name
      GROUP BY s.tbl_name`).all() as Array<{ name: string; bytes: number }>;
    const of = (...names: string[]) => rows.filter((r) => names.includes(r.name)).reduce((sum, r) => sum + r.bytes, 0);
    const free = (db.pragma('freelist_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number);
    return { history: of('history'), statuses: of('task_statuses', 'removed_jobs'), audit: of('audit'), free };
  } finally {
    db.close();
  }
}

function countRows(master: MasterProcess): ChurnRun['rows'] {
  const db = new Database(master.dbPath, { readonly: true, fileMustExist: true });
  try {
    const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { history: count('history'), statuses: count('task_statuses'), removedJobs: count('removed_jobs'), audit: count('audit') };
  } finally {
    db.close();
  }
}
