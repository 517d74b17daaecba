import type { TaskStatus } from '../../../core/index.js';
import type { Queries } from '../store.js';
import { clampTimestamp, eventJson, HISTORY_LIMIT, isPullProgress, type EventRow, type StateCount } from '../statuses.js';
import { fetchPage } from '../page.js';
import type { PgHandle } from './handle.js';

/**
 * statuses.ts' `record` in one statement (one round trip where four were: a status report of 20
 * tasks sent 80): a task neither deployed on the host nor known there is not recorded; else its
 * status is upserted and, unless $7 is false (a pull's progress) or the same status at the same
 * time is already an event (a report sent again to another master), an event added and the job+host
 * history pruned; a status equal to the one held (an agent's resync) changes nothing. Every part sees the statement's one snapshot, taken before the event is added, so
 * the prune keeps HISTORY_LIMIT − 1 ($8) of the events before it, and with it HISTORY_LIMIT.
 */
const RECORD = `WITH reportable AS (
    SELECT EXISTS (SELECT 1 FROM deployments WHERE host = $1::text AND job_id = $2::text)
      OR EXISTS (SELECT 1 FROM task_statuses WHERE host = $1::text AND job_id = $2::text) AS known,
      EXISTS (SELECT 1 FROM task_statuses WHERE host = $1::text AND job_id = $2::text AND status = $3::text) AS held
  ), current AS (
    INSERT INTO task_statuses (host, job_id, status, state, updated, modify_index)
    SELECT $1::text, $2::text, $3::text, $9::text, $4::bigint, $5::bigint FROM reportable WHERE known AND NOT held
    ON CONFLICT (host, job_id) DO UPDATE SET status = excluded.status, state = excluded.state, updated = excluded.updated, modify_index = excluded.modify_index
  ), fresh AS (
    SELECT known AND NOT held AND $7::boolean AND NOT EXISTS (SELECT 1 FROM history
      WHERE job_id = $2::text AND host = $1::text AND timestamp = $6::bigint AND status = $3::text) AS fresh FROM reportable
  ), event AS (
    INSERT INTO history (job_id, host, timestamp, status)
    SELECT $2::text, $1::text, $6::bigint, $3::text FROM fresh WHERE fresh
  ), pruned AS (
    DELETE FROM history WHERE job_id = $2::text AND host = $1::text AND (SELECT fresh FROM fresh)
      AND seq <= (SELECT seq FROM history WHERE job_id = $2::text AND host = $1::text ORDER BY seq DESC LIMIT 1 OFFSET $8::integer)
  )
  SELECT known FROM reportable`;

/** statuses.ts' queries on PostgreSQL. */
export function pgStatuses(db: PgHandle): Queries['statuses'] {
  const statuses = async (text: string, key: 'job_id' | 'host', value: string): Promise<Record<string, TaskStatus>> =>
    Object.fromEntries((await db.rows<Record<string, string>>(text, [value])).map((r) => [r[key], JSON.parse(r.status) as TaskStatus]));
  return {
    ofHost: (host) => statuses('SELECT job_id, status FROM task_statuses WHERE host = $1 ORDER BY job_id', 'job_id', host),
    ofJob: (jobId) => statuses('SELECT host, status FROM task_statuses WHERE job_id = $1 ORDER BY host', 'host', jobId),
    record: async (host, status, timestamp, now, index) => {
      const json = JSON.stringify(status);
      const [{ known }] = await db.rows<{ known: boolean }>(RECORD,
        [host, status.jobId, json, now, index, clampTimestamp(timestamp, now), !isPullProgress(status), HISTORY_LIMIT - 1, status.state]);
      return known;
    },
    remove: async (host, jobId) => await db.changes('DELETE FROM task_statuses WHERE host = $1 AND job_id = $2', [host, jobId]) > 0,
    removeHost: (host) => db.changes('DELETE FROM task_statuses WHERE host = $1', [host]),
    history: async (jobId) => (await db.rows<EventRow>('SELECT host, timestamp, status FROM history WHERE job_id = $1 ORDER BY seq', [jobId]))
      .map((r) => ({ host: r.host, timestamp: r.timestamp, status: JSON.parse(r.status) as TaskStatus })),
    historyPage: (jobId, afterSeq, limit, maxChars) => fetchPage(
      (after: number, n) => db.rows<EventRow>('SELECT seq, host, timestamp, status FROM history WHERE job_id = $1 AND seq > $2 ORDER BY seq LIMIT $3', [jobId, after, n]),
      afterSeq, { limit, maxChars, key: (r) => r.seq, text: eventJson }),
    removedBefore: async (cutoff, limit) => (await db.rows<{ job_id: string }>(
      'SELECT job_id FROM removed_jobs WHERE removed <= $1 ORDER BY removed LIMIT $2', [cutoff, limit])).map((r) => r.job_id),
    reapJob: async (jobId, maxEvents) => {
      const events = await db.changes('DELETE FROM history WHERE seq IN (SELECT seq FROM history WHERE job_id = $1 LIMIT $2)', [jobId, maxEvents]);
      if (events === maxEvents) return { events, statuses: 0, done: false };
      const statuses = await db.changes('DELETE FROM task_statuses WHERE job_id = $1', [jobId]);
      await db.changes('DELETE FROM removed_jobs WHERE job_id = $1', [jobId]);
      return { events, statuses, done: true };
    },
    reapHostHistory: (host, maxEvents) => db.changes('DELETE FROM history WHERE seq IN (SELECT seq FROM history WHERE host = $1 LIMIT $2)', [host, maxEvents]),
    stateCounts: async () => (await db.rows<StateCount>(
      'SELECT host, state, count(*)::int AS count FROM task_statuses GROUP BY host, state')),
  };
}
