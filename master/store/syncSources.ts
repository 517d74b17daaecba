import type Database from 'better-sqlite3';
import type { FileError, SyncPlan, SyncRegistration, SyncSource } from '../../core/index.js';

/** The time in ms since the epoch, in SQL (the same clock as Date.now()). */
const NOW_MS = "CAST(unixepoch('subsec') * 1000 AS INTEGER)";

export interface SourceRow {
  name: string;
  repo: string;
  branch: string;
  path: string;
  last_applied_commit: string | null;
  last_attempted_commit: string | null;
  state: SyncSource['state'];
  errors: string;
  warnings: string;
  last_sync: number | null;
  last_attempt: number | null;
  last_plan: string | null;
}

export const toSource = (row: SourceRow): SyncSource => ({
  name: row.name,
  repo: row.repo,
  branch: row.branch,
  path: row.path,
  lastAppliedCommit: row.last_applied_commit,
  lastAttemptedCommit: row.last_attempted_commit,
  state: row.state,
  errors: JSON.parse(row.errors) as FileError[],
  warnings: JSON.parse(row.warnings) as FileError[],
  lastSync: row.last_sync,
  lastAttempt: row.last_attempt,
  lastPlan: row.last_plan === null ? null : JSON.parse(row.last_plan) as SyncPlan,
});

/**
 * GitOps sources: what each one follows (repository, branch, path), what it last applied or
 * attempted, why it failed and what it warned of. Which triple a source follows is applySync's and the registration's
 * decision; this module only stores it.
 */
export function createSyncSourcesStore(db: Database.Database) {
  const get = db.prepare<[string], SourceRow>('SELECT * FROM sync_sources WHERE name = ?');
  const all = db.prepare<[], SourceRow>('SELECT * FROM sync_sources ORDER BY name');
  const upsert = db.prepare(`INSERT INTO sync_sources (name, repo, branch, path, last_applied_commit, last_attempted_commit, state, errors, warnings, last_sync, last_attempt, modify_index)
    VALUES (@name, @repo, @branch, @path, @lastAppliedCommit, @lastAttemptedCommit, @state, @errors, @warnings, @lastSync, @lastAttempt, @index)
    ON CONFLICT (name) DO UPDATE SET repo = excluded.repo, branch = excluded.branch, path = excluded.path,
      last_applied_commit = excluded.last_applied_commit, last_attempted_commit = excluded.last_attempted_commit,
      state = excluded.state, errors = excluded.errors, warnings = excluded.warnings, last_sync = excluded.last_sync, last_attempt = excluded.last_attempt,
      modify_index = excluded.modify_index`);
  // A registration sets what the source follows and keeps what it applied.
  const register = db.prepare(`INSERT INTO sync_sources (name, repo, branch, path, state, registered, modify_index)
    VALUES (@name, @repo, @branch, @path, 'REGISTERED', ${NOW_MS}, @index)
    ON CONFLICT (name) DO UPDATE SET repo = excluded.repo, branch = excluded.branch, path = excluded.path,
      registered = excluded.registered, modify_index = excluded.modify_index`);
  const putPlan = db.prepare<[string, number, string]>('UPDATE sync_sources SET last_plan = ?, modify_index = ? WHERE name = ?');
  const remove = db.prepare<[string]>('DELETE FROM sync_sources WHERE name = ?');
  // Idle: no commit tried (nor a registration) since the cutoff; unused: owner git:<name> holds no job
  // and no deployment (both on the owner indexes).
  const unusedSince = db.prepare<[number, number], string>(`SELECT name FROM sync_sources s
    WHERE MAX(COALESCE(last_attempt, 0), COALESCE(registered, 0)) <= ?
      AND NOT EXISTS (SELECT 1 FROM jobs WHERE owner = 'git:' || s.name)
      AND NOT EXISTS (SELECT 1 FROM deployments WHERE owner = 'git:' || s.name)
    ORDER BY name LIMIT ?`).pluck();

  return {
    get: (name: string) => { const row = get.get(name); return row && toSource(row); },
    list: () => all.all().map(toSource),
    put: (s: SyncSource, index: number): void => { upsert.run({ ...s, errors: JSON.stringify(s.errors), warnings: JSON.stringify(s.warnings ?? []), index }); },
    register: (name: string, follows: SyncRegistration, index: number): void => { register.run({ name, ...follows, index }); },
    /** Records a dry run on the source (a source not recorded yet gets none: a dry run creates nothing); whether it was there. */
    putPlan: (name: string, plan: SyncPlan, index: number): boolean => putPlan.run(JSON.stringify(plan), index, name).changes > 0,
    remove: (name: string) => remove.run(name).changes > 0,
    /** Sources that own nothing and have neither tried a commit nor been registered since `cutoff`. */
    unusedSince: (cutoff: number, limit: number): string[] => unusedSince.all(cutoff, limit),
  };
}
