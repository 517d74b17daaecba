import type Database from 'better-sqlite3';
import type { FileError, SyncRegistration, SyncSource } from '../../core/index.js';

interface SourceRow {
  name: string;
  repo: string;
  branch: string;
  path: string;
  last_applied_commit: string | null;
  last_attempted_commit: string | null;
  state: SyncSource['state'];
  errors: string;
  last_sync: number | null;
  last_attempt: number | null;
}

const toSource = (row: SourceRow): SyncSource => ({
  name: row.name,
  repo: row.repo,
  branch: row.branch,
  path: row.path,
  lastAppliedCommit: row.last_applied_commit,
  lastAttemptedCommit: row.last_attempted_commit,
  state: row.state,
  errors: JSON.parse(row.errors) as FileError[],
  lastSync: row.last_sync,
  lastAttempt: row.last_attempt,
});

/**
 * GitOps sources: what each one follows (repository, branch, path), what it last applied or
 * attempted, and why it failed. Which triple a source follows is applySync's and the registration's
 * decision; this module only stores it.
 */
export function createSyncSourcesStore(db: Database.Database) {
  const get = db.prepare<[string], SourceRow>('SELECT * FROM sync_sources WHERE name = ?');
  const all = db.prepare<[], SourceRow>('SELECT * FROM sync_sources ORDER BY name');
  const upsert = db.prepare(`INSERT INTO sync_sources (name, repo, branch, path, last_applied_commit, last_attempted_commit, state, errors, last_sync, last_attempt, modify_index)
    VALUES (@name, @repo, @branch, @path, @lastAppliedCommit, @lastAttemptedCommit, @state, @errors, @lastSync, @lastAttempt, @index)
    ON CONFLICT (name) DO UPDATE SET repo = excluded.repo, branch = excluded.branch, path = excluded.path,
      last_applied_commit = excluded.last_applied_commit, last_attempted_commit = excluded.last_attempted_commit,
      state = excluded.state, errors = excluded.errors, last_sync = excluded.last_sync, last_attempt = excluded.last_attempt,
      modify_index = excluded.modify_index`);
  // A registration sets what the source follows and keeps what it applied.
  const register = db.prepare(`INSERT INTO sync_sources (name, repo, branch, path, state, modify_index)
    VALUES (@name, @repo, @branch, @path, 'REGISTERED', @index)
    ON CONFLICT (name) DO UPDATE SET repo = excluded.repo, branch = excluded.branch, path = excluded.path, modify_index = excluded.modify_index`);
  const remove = db.prepare<[string]>('DELETE FROM sync_sources WHERE name = ?');

  return {
    get: (name: string) => { const row = get.get(name); return row && toSource(row); },
    list: () => all.all().map(toSource),
    put: (s: SyncSource, index: number) => upsert.run({ ...s, errors: JSON.stringify(s.errors), index }),
    register: (name: string, follows: SyncRegistration, index: number) => register.run({ name, ...follows, index }),
    remove: (name: string) => remove.run(name).changes > 0,
  };
}
export type SyncSourcesStore = ReturnType<typeof createSyncSourcesStore>;
