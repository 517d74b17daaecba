import type { Goal } from '../../../core/index.js';
import type { Queries } from '../store.js';
import { desiredOfSql, taskJson, toDeployment, toHostDesired, type DeploymentRow, type TaskRow } from '../deployments.js';
import { fetchPage } from '../page.js';
import type { PgHandle } from './handle.js';

const TASKS = `SELECT d.job_id, d.goal, j.spec, j.created, j.creating_user, j.owner
  FROM deployments d JOIN jobs j ON j.id = d.job_id WHERE d.host = $1`;

/** deployments.ts' queries on PostgreSQL. */
export function pgDeployments(db: PgHandle): Queries['deployments'] {
  const list = async (text: string, values: unknown[]) => (await db.rows<DeploymentRow>(text, values)).map(toDeployment);
  return {
    get: async (host, jobId) => (await list('SELECT * FROM deployments WHERE host = $1 AND job_id = $2', [host, jobId]))[0],
    ofHost: (host) => list('SELECT * FROM deployments WHERE host = $1 ORDER BY job_id', [host]),
    ofJob: (jobId) => list('SELECT * FROM deployments WHERE job_id = $1 ORDER BY host', [jobId]),
    refsOwnedBy: async (owner) => (await db.rows<{ job_id: string; host: string; goal: Goal }>(
      'SELECT job_id, host, goal FROM deployments WHERE owner = $1 ORDER BY job_id, host', [owner])).map((r) => ({ jobId: r.job_id, host: r.host, goal: r.goal })),
    desiredOf: async (host) => toHostDesired(await db.rows(desiredOfSql('$1'), [host])),
    taskPageJson: (host, after, limit, maxChars) => fetchPage(
      (afterId: string, n) => db.rows<TaskRow>(`${TASKS} AND d.job_id > $2 ORDER BY d.job_id LIMIT $3`, [host, afterId, n]), after,
      { limit, maxChars, key: (row) => row.job_id, text: taskJson }),
    hostJobPairs: async () => (await db.rows<{ host: string; job_id: string }>('SELECT host, job_id FROM deployments ORDER BY host')).map((r) => [r.host, r.job_id]),
    portHolders: async (host, protocol, port) => (await db.rows<{ job_id: string }>(
      'SELECT job_id FROM host_ports WHERE host = $1 AND protocol = $2 AND port = $3 ORDER BY job_id', [host, protocol, port])).map((r) => r.job_id),
    insert: async (d, index) => {
      await db.changes(`INSERT INTO deployments (host, job_id, goal, owner, deployer_user, deployer_master, created, modify_index)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [d.host, d.jobId, d.goal, d.owner, d.deployerUser, d.deployerMaster, Date.now(), index]);
    },
    setGoal: async (host, jobId, goal, index) =>
      await db.changes('UPDATE deployments SET goal = $1, modify_index = $2 WHERE host = $3 AND job_id = $4', [goal, index, host, jobId]) > 0,
    remove: async (host, jobId) => await db.changes('DELETE FROM deployments WHERE host = $1 AND job_id = $2', [host, jobId]) > 0,
  };
}
