import type { Queries } from '../store.js';
import { toSource, type SourceRow } from '../syncSources.js';
import { NOW_MS } from './migrations.js';
import type { PgHandle } from './handle.js';

/** syncSources.ts' queries on PostgreSQL. */
export function pgSyncSources(db: PgHandle): Queries['syncSources'] {
  return {
    get: async (name) => { const row = (await db.rows<SourceRow>('SELECT * FROM sync_sources WHERE name = $1', [name]))[0]; return row && toSource(row); },
    list: async () => (await db.rows<SourceRow>('SELECT * FROM sync_sources ORDER BY name')).map(toSource),
    put: async (s, index) => {
      await db.changes(`INSERT INTO sync_sources (name, repo, branch, path, last_applied_commit, last_attempted_commit, state, errors, warnings, last_sync,
        last_attempt, modify_index) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
        ON CONFLICT (name) DO UPDATE SET repo = excluded.repo, branch = excluded.branch, path = excluded.path,
          last_applied_commit = excluded.last_applied_commit, last_attempted_commit = excluded.last_attempted_commit,
          state = excluded.state, errors = excluded.errors, warnings = excluded.warnings, last_sync = excluded.last_sync, last_attempt = excluded.last_attempt,
          modify_index = excluded.modify_index`,
      [s.name, s.repo, s.branch, s.path, s.lastAppliedCommit, s.lastAttemptedCommit, s.state, JSON.stringify(s.errors), JSON.stringify(s.warnings ?? []),
        s.lastSync, s.lastAttempt, index]);
    },
    register: async (name, follows, index) => {
      await db.changes(`INSERT INTO sync_sources (name, repo, branch, path, state, registered, modify_index)
        VALUES ($1, $2, $3, $4, 'REGISTERED', ${NOW_MS}, $5)
        ON CONFLICT (name) DO UPDATE SET repo = excluded.repo, branch = excluded.branch, path = excluded.path,
          registered = excluded.registered, modify_index = excluded.modify_index`, [name, follows.repo, follows.branch, follows.path, index]);
    },
    putPlan: async (name, plan, index) => await db.changes('UPDATE sync_sources SET last_plan = $1, modify_index = $2 WHERE name = $3', [JSON.stringify(plan), index, name]) > 0,
    remove: async (name) => await db.changes('DELETE FROM sync_sources WHERE name = $1', [name]) > 0,
    unusedSince: async (cutoff, limit) => (await db.rows<{ name: string }>(`SELECT name FROM sync_sources s
      WHERE GREATEST(COALESCE(last_attempt, 0), COALESCE(registered, 0)) <= $1
        AND NOT EXISTS (SELECT 1 FROM jobs WHERE owner = 'git:' || s.name)
        AND NOT EXISTS (SELECT 1 FROM deployments WHERE owner = 'git:' || s.name)
      ORDER BY name LIMIT $2`, [cutoff, limit])).map((r) => r.name),
  };
}
