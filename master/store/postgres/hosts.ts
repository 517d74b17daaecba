import type { Queries } from '../store.js';
import { heartbeatColumns, toHost, type HostRow } from '../hosts.js';
import type { PgHandle } from './handle.js';

/** hosts.ts' queries on PostgreSQL. */
export function pgHosts(db: PgHandle): Queries['hosts'] {
  return {
    get: async (name) => { const row = (await db.rows<HostRow>('SELECT * FROM hosts WHERE name = $1', [name]))[0]; return row && toHost(row); },
    list: async () => (await db.rows<HostRow>('SELECT * FROM hosts ORDER BY name')).map(toHost),
    desiredIndex: async (name) => (await db.rows<{ desired_index: number }>('SELECT desired_index FROM hosts WHERE name = $1', [name]))[0]?.desired_index,
    insert: async (name, agentId, now, index) => {
      await db.changes('INSERT INTO hosts (name, agent_id, registered, desired_index, modify_index) VALUES ($1, $2, $3, $4, $4)', [name, agentId, now, index]);
    },
    takeOver: async (name, agentId, now, index) => {
      await db.changes(`UPDATE hosts SET agent_id = $2, registered = $3, last_seen = NULL, desired_index = $4, modify_index = $4
        WHERE name = $1`, [name, agentId, now, index]);
    },
    heartbeat: async (name, hb, now, index) => {
      const c = heartbeatColumns(hb);
      await db.changes(`UPDATE hosts SET last_seen = $2, host_info = $3, agent_info = $4, labels = $5, environment = $6, docker_error = $7,
        modify_index = $8 WHERE name = $1`, [name, now, c.hostInfo, c.agentInfo, c.labels, c.environment, c.dockerError, index]);
    },
    remove: async (name) => await db.changes('DELETE FROM hosts WHERE name = $1', [name]) > 0,
    countSeenSince: async (since) => (await db.rows<{ total: number; seen: number }>(
      'SELECT count(*)::int AS total, count(*) FILTER (WHERE last_seen >= $1)::int AS seen FROM hosts', [since]))[0],
    silentSince: async (cutoff, limit) => (await db.rows<{ name: string }>(
      'SELECT name FROM hosts WHERE COALESCE(last_seen, registered) <= $1 ORDER BY COALESCE(last_seen, registered) LIMIT $2', [cutoff, limit])).map((r) => r.name),
  };
}

/** A host's desired index, set by the write that changed its desired tasks (store.ts `touchHost`). */
export const setDesiredIndex = (db: PgHandle, name: string, index: number) =>
  db.changes('UPDATE hosts SET desired_index = $1 WHERE name = $2', [index, name]);
