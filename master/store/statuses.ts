import type Database from 'better-sqlite3';
import type { TaskStatus, TaskStatusEvent } from '../../core/index.js';
import { takePage, type Page } from './page.js';

/** How many history events are kept per job and host (the newest by arrival). */
export const HISTORY_LIMIT = 100;

/** How many tasks of one host are in one state. */
export interface StateCount { host: string; state: string; count: number }

/** A history event as stored (its status the JSON text of a TaskStatus). */
export interface EventRow { seq: number; host: string; timestamp: number; status: string }
/** An event's JSON as `history` gives it, spliced from its stored status. */
export const eventJson = (r: EventRow): string => `{"host":${JSON.stringify(r.host)},"timestamp":${r.timestamp},"status":${r.status}}`;

/**
 * How far an agent's timestamp may be from the master's clock. Ahead: a minute, more than NTP ever
 * leaves between two machines. Behind: a week, since an agent queues its reports while the master is
 * away and a late event is still dated when it happened. Outside, the timestamp is moved to the bound.
 */
export const CLOCK_AHEAD_MS = 60_000;
export const CLOCK_BEHIND_MS = 7 * 24 * 3_600_000;

/** An agent's timestamp within the master's `now` −CLOCK_BEHIND_MS … +CLOCK_AHEAD_MS. */
export const clampTimestamp = (timestamp: number, now: number): number =>
  Math.min(now + CLOCK_AHEAD_MS, Math.max(now - CLOCK_BEHIND_MS, timestamp));

/**
 * A pull's progress report: the task's current status, not a history event (a long pull would push
 * real events out of the job's history; the PULLING_IMAGE that began it is one).
 */
export const isPullProgress = (status: TaskStatus) => status.state === 'PULLING_IMAGE' && status.pullProgress !== undefined;

/**
 * Observed state written by agents: current task statuses and the history of their changes. History
 * is ordered and pruned by arrival (`seq`), never by the agents' clocks: an agent whose clock ran
 * ahead cannot push real events out or reorder them.
 */
export function createStatusesStore(db: Database.Database) {
  const ofHost = db.prepare<[string], { job_id: string; status: string }>('SELECT job_id, status FROM task_statuses WHERE host = ? ORDER BY job_id');
  const ofJob = db.prepare<[string], { host: string; status: string }>('SELECT host, status FROM task_statuses WHERE job_id = ? ORDER BY host');
  // A task the master has a status for stays reportable after its undeploy (STOPPING, STOPPED) until
  // the agent reports it removed; a job never deployed on the host is not.
  const reportable = db.prepare<{ host: string; jobId: string }, number>(`SELECT
    EXISTS (SELECT 1 FROM deployments WHERE host = @host AND job_id = @jobId)
    OR EXISTS (SELECT 1 FROM task_statuses WHERE host = @host AND job_id = @jobId)`).pluck();
  const upsert = db.prepare(`INSERT INTO task_statuses (host, job_id, status, state, updated, modify_index) VALUES (@host, @jobId, @status, @state, @updated, @index)
    ON CONFLICT (host, job_id) DO UPDATE SET status = excluded.status, state = excluded.state, updated = excluded.updated, modify_index = excluded.modify_index`);
  // The status held now is this one: a report sent again (an agent's resync) is nothing new.
  const held = db.prepare<{ host: string; jobId: string; status: string }, number>(
    'SELECT 1 FROM task_statuses WHERE host = @host AND job_id = @jobId AND status = @status').pluck();
  const remove = db.prepare<[string, string]>('DELETE FROM task_statuses WHERE host = ? AND job_id = ?');
  const removeHost = db.prepare<[string]>('DELETE FROM task_statuses WHERE host = ?');
  const removeJob = db.prepare<[string]>('DELETE FROM task_statuses WHERE job_id = ?');
  const addEvent = db.prepare('INSERT INTO history (job_id, host, timestamp, status) VALUES (@jobId, @host, @timestamp, @status)');
  // The same status at the same time is one event: a report sent again (its master cut off before it
  // answered, the agent moved to the next master) is taken once.
  const recorded = db.prepare<{ host: string; jobId: string; timestamp: number; status: string }, number>(
    'SELECT 1 FROM history WHERE job_id = @jobId AND host = @host AND timestamp = @timestamp AND status = @status').pluck();
  // Everything older than the HISTORY_LIMIT newest of the job on the host (one range on history_job_host).
  const prune = db.prepare<{ host: string; jobId: string; keep: number }>(`DELETE FROM history WHERE job_id = @jobId AND host = @host
    AND seq <= (SELECT seq FROM history WHERE job_id = @jobId AND host = @host ORDER BY seq DESC LIMIT 1 OFFSET @keep)`);
  const events = db.prepare<[string], { host: string; timestamp: number; status: string }>(
    'SELECT host, timestamp, status FROM history WHERE job_id = ? ORDER BY seq');
  const eventsAfter = db.prepare<[string, number], EventRow>(
    'SELECT seq, host, timestamp, status FROM history WHERE job_id = ? AND seq > ? ORDER BY seq');
  const deleteJobEvents = db.prepare<[string, number]>('DELETE FROM history WHERE seq IN (SELECT seq FROM history WHERE job_id = ? LIMIT ?)');
  const deleteHostEvents = db.prepare<[string, number]>('DELETE FROM history WHERE seq IN (SELECT seq FROM history WHERE host = ? LIMIT ?)');
  const removedDue = db.prepare<[number, number], string>('SELECT job_id FROM removed_jobs WHERE removed <= ? ORDER BY removed LIMIT ?').pluck();
  const forgetRemoved = db.prepare<[string]>('DELETE FROM removed_jobs WHERE job_id = ?');
  const stateCounts = db.prepare<[], StateCount>(
    'SELECT host, state, count(*) AS count FROM task_statuses GROUP BY host, state');

  return {
    ofHost: (host: string): Record<string, TaskStatus> =>
      Object.fromEntries(ofHost.all(host).map((r) => [r.job_id, JSON.parse(r.status) as TaskStatus])),
    ofJob: (jobId: string): Record<string, TaskStatus> =>
      Object.fromEntries(ofJob.all(jobId).map((r) => [r.host, JSON.parse(r.status) as TaskStatus])),
    /**
     * Records the status as current and, unless it reports a pull's progress or the same status at
     * the same time is already an event (a report sent again), as a history event dated by the agent
     * (clamped, see clampTimestamp), and prunes the job+host history. A status equal to the one held
     * (an agent's resync) changes nothing. A task that is neither deployed on the host nor already
     * known there is not recorded: false.
     */
    record: (host: string, status: TaskStatus, timestamp: number, now: number, index: number): boolean => {
      if (!reportable.get({ host, jobId: status.jobId })) return false;
      const json = JSON.stringify(status);
      if (held.get({ host, jobId: status.jobId, status: json })) return true;
      upsert.run({ host, jobId: status.jobId, status: json, state: status.state, updated: now, index });
      if (isPullProgress(status)) return true;
      const event = { jobId: status.jobId, host, timestamp: clampTimestamp(timestamp, now), status: json };
      if (recorded.get(event)) return true;
      addEvent.run(event);
      prune.run({ host, jobId: status.jobId, keep: HISTORY_LIMIT });
      return true;
    },
    remove: (host: string, jobId: string) => remove.run(host, jobId).changes > 0,
    removeHost: (host: string) => removeHost.run(host).changes,
    /** A job's history on every host, in the order it arrived. */
    history: (jobId: string): TaskStatusEvent[] =>
      events.all(jobId).map((r) => ({ host: r.host, timestamp: r.timestamp, status: JSON.parse(r.status) as TaskStatus })),
    /**
     * One page (store/page.ts) of a job's history, in arrival order after event `afterSeq` (0: from the
     * first), each event's JSON spliced from its stored status as `history` gives it.
     */
    historyPage: (jobId: string, afterSeq: number, limit: number, maxChars: number): Page<number> => takePage(eventsAfter.iterate(jobId, afterSeq), {
      limit, maxChars, key: (r) => r.seq,
      text: eventJson,
    }),
    /** Jobs removed at or before `cutoff` whose history and statuses are still kept, oldest removal first. */
    removedBefore: (cutoff: number, limit: number): string[] => removedDue.all(cutoff, limit),
    /**
     * Deletes up to `maxEvents` history events of a removed job; once none is left, its statuses and
     * its removal record too (so late reports of its tasks are no longer taken). `done`: all gone.
     */
    reapJob: (jobId: string, maxEvents: number): { events: number; statuses: number; done: boolean } => {
      const events = deleteJobEvents.run(jobId, maxEvents).changes;
      if (events === maxEvents) return { events, statuses: 0, done: false };
      const statuses = removeJob.run(jobId).changes;
      forgetRemoved.run(jobId);
      return { events, statuses, done: true };
    },
    /** Deletes up to `maxEvents` history events of a host; returns how many went. */
    reapHostHistory: (host: string, maxEvents: number): number => deleteHostEvents.run(host, maxEvents).changes,
    /** How many tasks each host has in each state (GET /metrics): one scan of index task_statuses_host_state. */
    stateCounts: (): StateCount[] => stateCounts.all(),
  };
}
