import type { Queries } from '../store.js';
import { GROUP_COLUMNS, GROUP_UPDATE, groupValues, toGroup, toRolloutRecord, type GroupRow } from '../deploymentGroups.js';
import type { PgHandle } from './handle.js';

/** deploymentGroups.ts' queries on PostgreSQL. */
export function pgDeploymentGroups(db: PgHandle): Queries['deploymentGroups'] {
  return {
    get: async (name) => { const row = (await db.rows<GroupRow>('SELECT * FROM deployment_groups WHERE name = $1', [name]))[0]; return row && toGroup(row); },
    list: async () => (await db.rows<GroupRow>('SELECT * FROM deployment_groups ORDER BY name')).map(toGroup),
    put: async (record, index) => {
      await db.changes(`INSERT INTO deployment_groups (${GROUP_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        ON CONFLICT (name) DO UPDATE SET ${GROUP_UPDATE}`, [...groupValues(record, index)]);
    },
    remove: async (name) => {
      await db.changes('DELETE FROM deployment_group_rollouts WHERE group_name = $1', [name]);
      return await db.changes('DELETE FROM deployment_groups WHERE name = $1', [name]) > 0;
    },
    addRollout: async (record) => Number((await db.rows<{ id: number }>(
      'INSERT INTO deployment_group_rollouts (group_name, record) VALUES ($1, $2) RETURNING id', [record.group, JSON.stringify({ ...record, id: undefined })]))[0].id),
    putRollout: async (record) => { await db.changes('UPDATE deployment_group_rollouts SET record = $1 WHERE id = $2', [JSON.stringify({ ...record, id: undefined }), record.id]); },
    rollout: async (id) => { const row = (await db.rows<{ id: number; record: string }>('SELECT id, record FROM deployment_group_rollouts WHERE id = $1', [id]))[0]; return row && toRolloutRecord(row); },
    rollouts: async (group, limit) => (await db.rows<{ id: number; record: string }>(
      'SELECT id, record FROM deployment_group_rollouts WHERE group_name = $1 ORDER BY id DESC LIMIT $2', [group, limit])).map(toRolloutRecord),
  };
}
