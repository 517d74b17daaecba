import type Database from 'better-sqlite3';
import type { Job } from '../../core/index.js';

interface JobRow {
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

const toJob = (row: JobRow): Job => ({
  ...(JSON.parse(row.spec) as Job),
  created: row.created,
  ...(row.creating_user ? { creatingUser: row.creating_user } : {}),
  owner: row.owner,
});

/** The jobs table: immutable job definitions, keyed by id, unique by name:version. */
export function createJobsStore(db: Database.Database) {
  const get = db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE id = ?');
  const byNameVersion = db.prepare<[string, string], JobRow>('SELECT * FROM jobs WHERE name = ? AND version = ?');
  const all = db.prepare<[], JobRow>('SELECT * FROM jobs ORDER BY id');
  const byOwner = db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE owner = ? ORDER BY id');
  const insert = db.prepare(`INSERT INTO jobs (id, name, version, spec, created, creating_user, owner, token, expires, modify_index)
    VALUES (@id, @name, @version, @spec, @created, @creatingUser, @owner, @token, @expires, @index)`);
  const remove = db.prepare<[string]>('DELETE FROM jobs WHERE id = ?');
  const expired = db.prepare<[number], { id: string }>('SELECT id FROM jobs WHERE expires IS NOT NULL AND expires <= ? ORDER BY expires');

  return {
    get: (id: string): Job | undefined => { const row = get.get(id); return row && toJob(row); },
    byNameVersion: (name: string, version: string): Job | undefined => {
      const row = byNameVersion.get(name, version);
      return row && toJob(row);
    },
    list: (): Job[] => all.all().map(toJob),
    ownedBy: (owner: string): Job[] => byOwner.all(owner).map(toJob),
    expiredIds: (now: number): string[] => expired.all(now).map((r) => r.id),
    insert: (j: NewJob, index: number) => {
      const { created: _c, creatingUser: _u, owner: _o, ...spec } = j.job;
      const expires = j.job.expires ? Date.parse(j.job.expires) : null;
      insert.run({
        id: j.job.id, name: j.name, version: j.version, spec: JSON.stringify(spec), created: j.created,
        creatingUser: j.creatingUser, owner: j.owner, token: j.job.token ?? '',
        expires: expires === null || Number.isNaN(expires) ? null : expires, index,
      });
    },
    remove: (id: string) => remove.run(id).changes > 0,
  };
}
export type JobsStore = ReturnType<typeof createJobsStore>;
