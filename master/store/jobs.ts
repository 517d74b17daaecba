import type Database from 'better-sqlite3';
import type { Job } from '../../core/index.js';
import { takePage, type Page } from './page.js';

export interface JobRow {
  id: string;
  spec: string;
  created: number;
  creating_user: string | null;
  owner: string;
}

export interface NewJob {
  job: Job;
  name: string;
  version: string;
  created: number;
  creatingUser: string | null;
  owner: string;
}

export const toJob = (row: Pick<JobRow, 'spec' | 'created' | 'creating_user' | 'owner'>): Job => ({
  ...(JSON.parse(row.spec) as Job),
  created: row.created,
  ...(row.creating_user ? { creatingUser: row.creating_user } : {}),
  owner: row.owner,
});

/**
 * The JSON text of `toJob(row)` without parsing the spec: the stored spec is an object's JSON without
 * `created`, `creatingUser` and `owner`, so those are spliced in before its closing brace, in the same
 * key order as `toJob` gives them.
 */
export function jobJson(row: Pick<JobRow, 'spec' | 'created' | 'creating_user' | 'owner'>): string {
  const fields = row.spec.slice(1, -1);
  return `{${fields}${fields ? ',' : ''}"created":${JSON.stringify(row.created)}`
    + `${row.creating_user ? `,"creatingUser":${JSON.stringify(row.creating_user)}` : ''},"owner":${JSON.stringify(row.owner)}}`;
}

/** The columns of a new job's row: its spec without what the row holds apart (created, creatingUser, owner). */
export function newJobRow(j: NewJob, index: number) {
  const { created: _c, creatingUser: _u, owner: _o, ...spec } = j.job;
  const expires = j.job.expires ? Date.parse(j.job.expires) : null;
  return {
    id: j.job.id, name: j.name, version: j.version, spec: JSON.stringify(spec), created: j.created,
    creatingUser: j.creatingUser, owner: j.owner, token: j.job.token ?? '',
    expires: expires === null || Number.isNaN(expires) ? null : expires, index,
  };
}

/** The job a new row reads back as (`toJob` of it): what `insert` answers, without reading it again. */
export const insertedJob = (r: ReturnType<typeof newJobRow>): Job => toJob({ spec: r.spec, created: r.created, creating_user: r.creatingUser, owner: r.owner });

/** The jobs table: immutable job definitions, keyed by id, unique by name:version. */
export function createJobsStore(db: Database.Database) {
  const get = db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE id = ?');
  const byNameVersion = db.prepare<[string, string], JobRow>('SELECT * FROM jobs WHERE name = ? AND version = ?');
  const all = db.prepare<[], JobRow>('SELECT * FROM jobs ORDER BY id');
  const after = db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE id > ? ORDER BY id');
  const insert = db.prepare(`INSERT INTO jobs (id, name, version, spec, created, creating_user, owner, token, expires, modify_index)
    VALUES (@id, @name, @version, @spec, @created, @creatingUser, @owner, @token, @expires, @index)`);
  const remove = db.prepare<[string]>('DELETE FROM jobs WHERE id = ?');
  const idsOfOwner = db.prepare<[string], string>('SELECT id FROM jobs WHERE owner = ? ORDER BY id').pluck();
  const ownerOf = db.prepare<[string], { id: string; owner: string }>('SELECT id, owner FROM jobs WHERE id = ?');
  const ownerOfNameVersion = db.prepare<[string, string], { id: string; owner: string }>('SELECT id, owner FROM jobs WHERE name = ? AND version = ?');
  const expired = db.prepare<[number], { id: string }>('SELECT id FROM jobs WHERE expires IS NOT NULL AND expires <= ? ORDER BY expires');

  return {
    get: (id: string): Job | undefined => { const row = get.get(id); return row && toJob(row); },
    byNameVersion: (name: string, version: string): Job | undefined => {
      const row = byNameVersion.get(name, version);
      return row && toJob(row);
    },
    /** Ids of the jobs `owner` owns, without reading their specs. */
    idsOwnedBy: (owner: string): string[] => idsOfOwner.all(owner),
    /** Id and owner of a job, by id or by name and version (no spec parsed). */
    ownerOf: (id: string) => ownerOf.get(id),
    ownerOfNameVersion: (name: string, version: string) => ownerOfNameVersion.get(name, version),
    /** Every job as [id, JSON text of the job] (see `jobJson`), in id order: a list answered without JSON.parse. */
    listJson: (): Array<[string, string]> => all.all().map((row) => [row.id, jobJson(row)]),
    /**
     * One page (store/page.ts) of the jobs `keep` takes, in id order after `afterId` (`''`: from the
     * first), each as the `"id":{job}` member of GET /jobs' map.
     */
    pageJson: (afterId: string, limit: number, maxChars: number, keep: (id: string) => boolean): Page<string> =>
      takePage(after.iterate(afterId), { limit, maxChars, key: (row) => row.id, text: (row) => (keep(row.id) ? `${JSON.stringify(row.id)}:${jobJson(row)}` : undefined) }),
    expiredIds: (now: number): string[] => expired.all(now).map((r) => r.id),
    /** Stores a new job; answers it as `get` would read it. */
    insert: (j: NewJob, index: number): Job => {
      const row = newJobRow(j, index);
      insert.run(row);
      return insertedJob(row);
    },
    remove: (id: string) => remove.run(id).changes > 0,
  };
}
