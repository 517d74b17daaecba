import type Database from 'better-sqlite3';
import type { TaskStatus, TaskStatusEvent } from '../../core/index.js';

/** How many history events are kept per job and host. */
export const HISTORY_LIMIT = 100;

/** Observed state written by agents: current task statuses and the history of their changes. */
export function createStatusesStore(db: Database.Database) {
  const ofHost = db.prepare<[string], { job_id: string; status: string }>('SELECT job_id, status FROM task_statuses WHERE host = ? ORDER BY job_id');
  const ofJob = db.prepare<[string], { host: string; status: string }>('SELECT host, status FROM task_statuses WHERE job_id = ? ORDER BY host');
  const upsert = db.prepare(`INSERT INTO task_statuses (host, job_id, status, updated, modify_index) VALUES (@host, @jobId, @status, @updated, @index)
    ON CONFLICT (host, job_id) DO UPDATE SET status = excluded.status, updated = excluded.updated, modify_index = excluded.modify_index`);
  const remove = db.prepare<[string, string]>('DELETE FROM task_statuses WHERE host = ? AND job_id = ?');
  const removeHost = db.prepare<[string]>('DELETE FROM task_statuses WHERE host = ?');
  const addEvent = db.prepare('INSERT INTO history (job_id, host, timestamp, status) VALUES (@jobId, @host, @timestamp, @status)');
  const prune = db.prepare<[string, string, string, string, number]>(`DELETE FROM history WHERE job_id = ? AND host = ? AND seq NOT IN (
    SELECT seq FROM history WHERE job_id = ? AND host = ? ORDER BY timestamp DESC, seq DESC LIMIT ?)`);
  const events = db.prepare<[string], { host: string; timestamp: number; status: string }>(
    'SELECT host, timestamp, status FROM history WHERE job_id = ? ORDER BY timestamp, seq');

  return {
    ofHost: (host: string): Record<string, TaskStatus> =>
      Object.fromEntries(ofHost.all(host).map((r) => [r.job_id, JSON.parse(r.status) as TaskStatus])),
    ofJob: (jobId: string): Record<string, TaskStatus> =>
      Object.fromEntries(ofJob.all(jobId).map((r) => [r.host, JSON.parse(r.status) as TaskStatus])),
    /** Records the status as current and as a history event; prunes the job+host history. */
    record: (host: string, status: TaskStatus, timestamp: number, index: number) => {
      const json = JSON.stringify(status);
      upsert.run({ host, jobId: status.jobId, status: json, updated: timestamp, index });
      addEvent.run({ jobId: status.jobId, host, timestamp, status: json });
      prune.run(status.jobId, host, status.jobId, host, HISTORY_LIMIT);
    },
    remove: (host: string, jobId: string) => remove.run(host, jobId).changes > 0,
    removeHost: (host: string) => removeHost.run(host).changes,
    history: (jobId: string): TaskStatusEvent[] =>
      events.all(jobId).map((r) => ({ host: r.host, timestamp: r.timestamp, status: JSON.parse(r.status) as TaskStatus })),
  };
}
export type StatusesStore = ReturnType<typeof createStatusesStore>;
