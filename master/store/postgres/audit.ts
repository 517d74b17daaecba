import type { Queries } from '../store.js';
import { AUDIT_LIMIT, toEvent, type AuditRow } from '../audit.js';
import type { PgHandle } from './handle.js';

/** audit.ts' queries on PostgreSQL. */
export function pgAudit(db: PgHandle): Queries['audit'] {
  return {
    record: async (e) => {
      await db.changes(`INSERT INTO audit (timestamp, token, "user", action, job_id, host, source, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [e.timestamp, e.token, e.user, e.action, e.jobId ?? null, e.host ?? null, e.source ?? null, e.detail === undefined ? null : JSON.stringify(e.detail)]);
    },
    list: async (filter) => (await db.rows<AuditRow>(`SELECT * FROM audit
      WHERE seq < $1 AND ($2::text IS NULL OR job_id = $2) AND ($3::text IS NULL OR host = $3) ORDER BY seq DESC LIMIT $4`,
    [filter.before ?? Number.MAX_SAFE_INTEGER, filter.jobId ?? null, filter.host ?? null, filter.limit])).map(toEvent),
    prune: (keep = AUDIT_LIMIT) => db.changes('DELETE FROM audit WHERE seq <= (SELECT MAX(seq) FROM audit) - $1', [keep]),
  };
}
