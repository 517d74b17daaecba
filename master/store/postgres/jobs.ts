import type { Queries } from '../store.js';
import { insertedJob, jobJson, newJobRow, toJob, type JobRow } from '../jobs.js';
import { fetchPage } from '../page.js';
import type { PgHandle } from './handle.js';

/** jobs.ts' queries on PostgreSQL. */
export function pgJobs(db: PgHandle): Queries['jobs'] {
  const one = async (text: string, values: unknown[]) => (await db.rows<JobRow>(text, values))[0];
  const ownerRow = async (text: string, values: unknown[]) => (await db.rows<{ id: string; owner: string }>(text, values))[0];
  return {
    get: async (id) => { const row = await one('SELECT * FROM jobs WHERE id = $1', [id]); return row && toJob(row); },
    byNameVersion: async (name, version) => {
      const row = await one('SELECT * FROM jobs WHERE name = $1 AND version = $2', [name, version]);
      return row && toJob(row);
    },
    idsOwnedBy: async (owner) => (await db.rows<{ id: string }>('SELECT id FROM jobs WHERE owner = $1 ORDER BY id', [owner])).map((r) => r.id),
    ownerOf: (id) => ownerRow('SELECT id, owner FROM jobs WHERE id = $1', [id]),
    ownerOfNameVersion: (name, version) => ownerRow('SELECT id, owner FROM jobs WHERE name = $1 AND version = $2', [name, version]),
    listJson: async () => (await db.rows<JobRow>('SELECT * FROM jobs ORDER BY id')).map((row) => [row.id, jobJson(row)]),
    pageJson: (afterId, limit, maxChars, keep) => fetchPage(
      (after: string, n) => db.rows<JobRow>('SELECT * FROM jobs WHERE id > $1 ORDER BY id LIMIT $2', [after, n]), afterId,
      { limit, maxChars, key: (row) => row.id, text: (row) => (keep(row.id) ? `${JSON.stringify(row.id)}:${jobJson(row)}` : undefined) }),
    expiredIds: async (now) => (await db.rows<{ id: string }>('SELECT id FROM jobs WHERE expires IS NOT NULL AND expires <= $1 ORDER BY expires', [now])).map((r) => r.id),
    insert: async (j, index) => {
      const r = newJobRow(j, index);
      await db.changes(`INSERT INTO jobs (id, name, version, spec, created, creating_user, owner, token, expires, modify_index)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [r.id, r.name, r.version, r.spec, r.created, r.creatingUser, r.owner, r.token, r.expires, r.index]);
      return insertedJob(r);
    },
    remove: async (id) => await db.changes('DELETE FROM jobs WHERE id = $1', [id]) > 0,
  };
}
