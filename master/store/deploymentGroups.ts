import type Database from 'better-sqlite3';
import type { DeploymentGroupStatus, EffectiveRolloutOptions, RolloutRecord, RolloutTask, StoredDeploymentGroup } from '../../core/index.js';

/**
 * The rollout in progress, as the engine (master/rollouts/) keeps it after every step: the plan,
 * where it is, and what it needs to go on after a restart or on another master.
 */
export interface RolloutRun {
  /** Its record in deployment_group_rollouts. */
  rolloutId: number;
  jobId: string;
  /** The group's job before: what auto-revert puts back. */
  previousJobId: string | null;
  options: EffectiveRolloutOptions;
  tasks: RolloutTask[];
  taskIndex: number;
  /** ms since the epoch when the current task began (the previous one finished): its timeout runs from here. */
  taskStarted: number;
  /** Hosts given the new job (DEPLOY_NEW_JOB done): what auto-revert rolls back. */
  touched: string[];
  /** True once the rollout failed and is putting `touched` back on previousJobId. */
  reverting: boolean;
  /** The failure being reverted (the group ends FAILED with it). */
  failure?: { error: string; errorCode: RolloutRecord['errorCode'] };
  /** AWAIT_RUNNING: when the host's task was first seen RUNNING and healthy (minHealthySeconds runs from it). */
  healthySince?: Record<string, number>;
}

/** A deployment group as stored: the descriptor, its members, the hosts that left it, status and rollout. */
export interface GroupRecord {
  group: StoredDeploymentGroup;
  /** Matching hosts, in group order (compareHostNames). */
  hosts: string[];
  /** Hosts that left the group and still need its job undeployed. */
  removed: string[];
  status: DeploymentGroupStatus | null;
  /** The last rollout failed and was reverted. */
  reverted: boolean;
  rollout: RolloutRun | null;
  created: number;
}

export interface GroupRow {
  name: string;
  spec: string;
  hosts: string;
  removed: string;
  status: string | null;
  reverted: number | boolean;
  rollout: string | null;
  created: number;
}

export const toGroup = (row: GroupRow): GroupRecord => ({
  group: JSON.parse(row.spec) as StoredDeploymentGroup,
  hosts: JSON.parse(row.hosts) as string[],
  removed: JSON.parse(row.removed) as string[],
  status: row.status === null ? null : JSON.parse(row.status) as DeploymentGroupStatus,
  reverted: row.reverted === 1 || row.reverted === true,
  rollout: row.rollout === null ? null : JSON.parse(row.rollout) as RolloutRun,
  created: Number(row.created),
});

/** The columns of a record, in the order of GROUP_COLUMNS. */
export const groupValues = (r: GroupRecord, index: number) => [
  r.group.name, JSON.stringify(r.group), JSON.stringify(r.hosts), JSON.stringify(r.removed),
  r.status === null ? null : JSON.stringify(r.status), r.reverted ? 1 : 0, r.rollout === null ? null : JSON.stringify(r.rollout), r.created, index,
] as const;
export const GROUP_COLUMNS = 'name, spec, hosts, removed, status, reverted, rollout, created, modify_index';
export const GROUP_UPDATE = `spec = excluded.spec, hosts = excluded.hosts, removed = excluded.removed, status = excluded.status,
  reverted = excluded.reverted, rollout = excluded.rollout, modify_index = excluded.modify_index`;

export const toRolloutRecord = (row: { id: number; record: string }): RolloutRecord => ({ ...JSON.parse(row.record) as RolloutRecord, id: Number(row.id) });

/** Deployment groups by name, and their rollouts' records (newest first). Removing a group removes its records. */
export function createDeploymentGroupsStore(db: Database.Database) {
  const get = db.prepare<[string], GroupRow>('SELECT * FROM deployment_groups WHERE name = ?');
  const all = db.prepare<[], GroupRow>('SELECT * FROM deployment_groups ORDER BY name');
  const put = db.prepare(`INSERT INTO deployment_groups (${GROUP_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (name) DO UPDATE SET ${GROUP_UPDATE}`);
  const remove = db.prepare<[string]>('DELETE FROM deployment_groups WHERE name = ?');
  const removeRollouts = db.prepare<[string]>('DELETE FROM deployment_group_rollouts WHERE group_name = ?');
  const addRollout = db.prepare<[string, string]>('INSERT INTO deployment_group_rollouts (group_name, record) VALUES (?, ?)');
  const putRollout = db.prepare<[string, number]>('UPDATE deployment_group_rollouts SET record = ? WHERE id = ?');
  const rollout = db.prepare<[number], { id: number; record: string }>('SELECT id, record FROM deployment_group_rollouts WHERE id = ?');
  const rollouts = db.prepare<[string, number], { id: number; record: string }>(
    'SELECT id, record FROM deployment_group_rollouts WHERE group_name = ? ORDER BY id DESC LIMIT ?');
  return {
    get: (name: string) => { const row = get.get(name); return row && toGroup(row); },
    list: () => all.all().map(toGroup),
    put: (record: GroupRecord, index: number): void => { put.run(...groupValues(record, index)); },
    remove: (name: string) => { removeRollouts.run(name); return remove.run(name).changes > 0; },
    /** A new rollout's record (its `id` is ignored); returns its id. */
    addRollout: (record: RolloutRecord): number => Number(addRollout.run(record.group, JSON.stringify({ ...record, id: undefined })).lastInsertRowid),
    putRollout: (record: RolloutRecord): void => { putRollout.run(JSON.stringify({ ...record, id: undefined }), record.id); },
    rollout: (id: number) => { const row = rollout.get(id); return row && toRolloutRecord(row); },
    rollouts: (group: string, limit: number) => rollouts.all(group, limit).map(toRolloutRecord),
  };
}
