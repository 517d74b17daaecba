import type Database from 'better-sqlite3';
import type { AuditAction, AuditEvent } from '../../core/index.js';

/** How many events the audit log keeps (the oldest go first, pruned by the reaper). */
export const AUDIT_LIMIT = 100_000;

export interface AuditRow {
  seq: number;
  timestamp: number;
  token: string;
  user: string | null;
  action: AuditAction;
  job_id: string | null;
  host: string | null;
  source: string | null;
  detail: string | null;
}

export const toEvent = (row: AuditRow): AuditEvent => ({
  seq: row.seq, timestamp: row.timestamp, token: row.token, user: row.user, action: row.action,
  ...(row.job_id !== null ? { jobId: row.job_id } : {}),
  ...(row.host !== null ? { host: row.host } : {}),
  ...(row.source !== null ? { source: row.source } : {}),
  ...(row.detail !== null ? { detail: JSON.parse(row.detail) as Record<string, unknown> } : {}),
});

export interface AuditFilter {
  jobId?: string;
  host?: string;
  /** Only events older than this seq (the next page). */
  before?: number;
  limit: number;
}

/** Who changed what through the API, newest first; written in the same transaction as the change. */
export function createAuditStore(db: Database.Database) {
  const insert = db.prepare(`INSERT INTO audit (timestamp, token, user, action, job_id, host, source, detail)
    VALUES (@timestamp, @token, @user, @action, @jobId, @host, @source, @detail)`);
  const list = db.prepare<{ jobId: string | null; host: string | null; before: number; limit: number }, AuditRow>(`SELECT * FROM audit
    WHERE seq < @before AND (@jobId IS NULL OR job_id = @jobId) AND (@host IS NULL OR host = @host)
    ORDER BY seq DESC LIMIT @limit`);
  const prune = db.prepare<[number]>('DELETE FROM audit WHERE seq <= (SELECT MAX(seq) FROM audit) - ?');
  return {
    record(event: Omit<AuditEvent, 'seq'>): void {
      insert.run({
        timestamp: event.timestamp, token: event.token, user: event.user, action: event.action,
        jobId: event.jobId ?? null, host: event.host ?? null, source: event.source ?? null,
        detail: event.detail === undefined ? null : JSON.stringify(event.detail),
      });
    },
    list: (filter: AuditFilter): AuditEvent[] =>
      list.all({ jobId: filter.jobId ?? null, host: filter.host ?? null, before: filter.before ?? Number.MAX_SAFE_INTEGER, limit: filter.limit }).map(toEvent),
    /** Keeps the newest `keep` events; returns how many went. */
    prune: (keep = AUDIT_LIMIT): number => prune.run(keep).changes,
  };
}
