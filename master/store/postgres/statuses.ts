import type { TaskStatus } from '../../../core/index.js';
import type { Queries } from '../store.js';
import { clampTimestamp, eventJson, HISTORY_LIMIT, isPullProgress, type EventRow } from '../statuses.js';
import { fetchPage } from '../page.js';
import type { PgHandle } from './handle.js';

/** statuses.ts' queries on PostgreSQL. */
export function pgStatuses(db: PgHandle): Queries['statuses'] {
  const statuses = async (text: string, key: 'job_id' | 'host', value: string): Promise<Record<string, TaskStatus>> =>
    Object.fromEntries((await db.rows<Record<string, string>>(text, [value])).map((r) => [r[key], JSON.parse(r.status) as TaskStatus]));
  return {
    ofHost: (host) => statuses('SELECT job_id, status FROM task_statuses WHERE host = $1 ORDER BY job_id', 'job_id', host),
    ofJob: (jobId) => statuses('SELECT host, status FROM task_statuses WHERE job_id = $1 ORDER BY host', 'host', jobId),
    record: async (host, status, timestamp, now, index) => {
      const [{ known }] = await db.rows<{ known: boolean }>(`SELECT
        EXISTS (SELECT 1 FROM deployments WHERE host = $1 AND job_id = $2)
        OR EXISTS (SELECT 1 FROM task_statuses WHERE host = $1 AND job_id = $2) AS known`, [host, status.jobId]);
      if (!known) return false;
      const json = JSON.stringify(status);
      await db.changes(`INSERT INTO task_statuses (host, job_id, status, updated, modify_index) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (host, job_id) DO UPDATE SET status = excluded.status, updated = excluded.updated, modify_index = excluded.modify_index`,
      [host, status.jobId, json, now, index]);
      if (isPullProgress(status)) return true;
      await db.changes('INSERT INTO history (job_id, host, timestamp, status) VALUES ($1, $2, $3, $4)', [status.jobId, host, clampTimestamp(timestamp, now), json]);
      await db.changes(`DELETE FROM history WHERE job_id = $1 AND host = $2
        AND seq <= (SELECT seq FROM history WHERE job_id = $1 AND host = $2 ORDER BY seq DESC LIMIT 1 OFFSET $3)`, [status.jobId, host, HISTORY_LIMIT]);
      return true;
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
  };
}
