import type Database from 'better-sqlite3';
import type { AgentInfo, HeartbeatRequest, HostInfo } from '../../core/index.js';

export interface HostRow {
  name: string;
  agent_id: string;
  registered: number;
  last_seen: number | null;
  host_info: string | null;
  agent_info: string | null;
  labels: string;
  environment: string;
  docker_error: string | null;
  desired_index: number;
}

export interface HostRecord {
  name: string;
  agentId: string;
  registered: number;
  lastSeen: number | null;
  hostInfo: HostInfo | null;
  agentInfo: AgentInfo | null;
  labels: Record<string, string>;
  environment: Record<string, string>;
  dockerError: string | null;
  desiredIndex: number;
}

export const toHost = (row: HostRow): HostRecord => ({
  name: row.name,
  agentId: row.agent_id,
  registered: row.registered,
  lastSeen: row.last_seen,
  hostInfo: row.host_info ? JSON.parse(row.host_info) as HostInfo : null,
  agentInfo: row.agent_info ? JSON.parse(row.agent_info) as AgentInfo : null,
  labels: JSON.parse(row.labels) as Record<string, string>,
  environment: JSON.parse(row.environment) as Record<string, string>,
  dockerError: row.docker_error,
  desiredIndex: row.desired_index,
});

/** What a heartbeat stores, as its columns hold it. */
export const heartbeatColumns = (hb: HeartbeatRequest) => ({
  hostInfo: JSON.stringify(hb.hostInfo),
  agentInfo: JSON.stringify(hb.agentInfo),
  labels: JSON.stringify(hb.labels),
  environment: JSON.stringify(hb.environment),
  dockerError: hb.dockerError,
});

/** The hosts table: registration, last heartbeat and what the agent reports about its machine. */
export function createHostsStore(db: Database.Database) {
  const get = db.prepare<[string], HostRow>('SELECT * FROM hosts WHERE name = ?');
  const all = db.prepare<[], HostRow>('SELECT * FROM hosts ORDER BY name');
  const desiredIndex = db.prepare<[string], { desired_index: number }>('SELECT desired_index FROM hosts WHERE name = ?');
  const insert = db.prepare(`INSERT INTO hosts (name, agent_id, registered, desired_index, modify_index)
    VALUES (@name, @agentId, @registered, @index, @index)`);
  const takeOver = db.prepare(`UPDATE hosts SET agent_id = @agentId, registered = @registered, last_seen = NULL,
    desired_index = @index, modify_index = @index WHERE name = @name`);
  const heartbeat = db.prepare(`UPDATE hosts SET last_seen = @now, host_info = @hostInfo, agent_info = @agentInfo,
    labels = @labels, environment = @environment, docker_error = @dockerError, modify_index = @index WHERE name = @name`);
  const setDesired = db.prepare<[number, string]>('UPDATE hosts SET desired_index = ? WHERE name = ?');
  const remove = db.prepare<[string]>('DELETE FROM hosts WHERE name = ?');
  const countSeenSince = db.prepare<[number], { total: number; seen: number }>(
    'SELECT count(*) AS total, count(CASE WHEN last_seen >= ? THEN 1 END) AS seen FROM hosts');
  const silentSince = db.prepare<[number, number], string>(
    'SELECT name FROM hosts WHERE COALESCE(last_seen, registered) <= ? ORDER BY COALESCE(last_seen, registered) LIMIT ?').pluck();

  return {
    get: (name: string) => { const row = get.get(name); return row && toHost(row); },
    list: () => all.all().map(toHost),
    desiredIndex: (name: string) => desiredIndex.get(name)?.desired_index,
    insert: (name: string, agentId: string, now: number, index: number): void => { insert.run({ name, agentId, registered: now, index }); },
    takeOver: (name: string, agentId: string, now: number, index: number): void => { takeOver.run({ name, agentId, registered: now, index }); },
    heartbeat: (name: string, hb: HeartbeatRequest, now: number, index: number): void => { heartbeat.run({ name, now, index, ...heartbeatColumns(hb) }); },
    setDesiredIndex: (name: string, index: number): void => { setDesired.run(index, name); },
    remove: (name: string) => remove.run(name).changes > 0,
    /** How many hosts are registered, and how many sent a heartbeat at or after `since` (GET /metrics: UP is seen within --down-after). */
    countSeenSince: (since: number): { total: number; seen: number } => countSeenSince.get(since)!,
    /** Hosts with no heartbeat (or, never seen, no registration) since `cutoff`, longest silent first. */
    silentSince: (cutoff: number, limit: number): string[] => silentSince.all(cutoff, limit),
  };
}
