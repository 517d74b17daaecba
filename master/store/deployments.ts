import type Database from 'better-sqlite3';
import type { Deployment, DesiredTask, Goal } from '../../core/index.js';
import { jobJson, toJob } from './jobs.js';
import { takePage, type Page } from './page.js';

export interface DeploymentRow {
  host: string;
  job_id: string;
  goal: Goal;
  owner: string;
  deployer_user: string | null;
  deployer_master: string | null;
}

/** A deployment with the host it is on (the API's Deployment does not carry it). */
export interface HostDeployment extends Deployment {
  host: string;
  owner: string;
}

export const toDeployment = (row: DeploymentRow): HostDeployment => ({
  host: row.host,
  jobId: row.job_id,
  goal: row.goal,
  owner: row.owner,
  ...(row.deployer_user ? { deployerUser: row.deployer_user } : {}),
  ...(row.deployer_master ? { deployerMaster: row.deployer_master } : {}),
});

/** A desired task as read with its job (deployments joined with jobs). */
export interface TaskRow { job_id: string; goal: Goal; spec: string; created: number; creating_user: string | null; owner: string }
export const toTask = (r: TaskRow): DesiredTask => ({ jobId: r.job_id, job: toJob(r), goal: r.goal });
/** The JSON text of `toTask(row)`, spliced from the stored spec (see jobs.ts `jobJson`). */
export const taskJson = (row: TaskRow): string => `{"jobId":${JSON.stringify(row.job_id)},"job":${jobJson(row)},"goal":${JSON.stringify(row.goal)}}`;

/** What an agent's blocking query answers, with the agent id its host is registered by. */
export interface HostDesired { agentId: string; index: number; tasks: DesiredTask[] }

/**
 * A registered host's agent id, desired index and tasks in ONE statement (`param`: the engine's
 * placeholder), so one snapshot without a transaction: on PostgreSQL one round trip, not five. Every
 * deployment has its job (a foreign key).
 */
export const desiredOfSql = (param: string) => `SELECT h.agent_id, h.desired_index, d.job_id, d.goal, j.spec, j.created, j.creating_user, j.owner
  FROM hosts h LEFT JOIN deployments d ON d.host = h.name LEFT JOIN jobs j ON j.id = d.job_id WHERE h.name = ${param} ORDER BY d.job_id`;
type DesiredRow = { agent_id: string; desired_index: number } & ({ [K in keyof TaskRow]: TaskRow[K] | null });
export const toHostDesired = (rows: DesiredRow[]): HostDesired | undefined => rows[0] && {
  agentId: rows[0].agent_id, index: rows[0].desired_index, tasks: rows.filter((r) => r.job_id !== null).map((r) => toTask(r as TaskRow)),
};

/** The deployments table: job × host with a goal and an owner. Rows need no registered host. */
export function createDeploymentsStore(db: Database.Database) {
  const get = db.prepare<[string, string], DeploymentRow>('SELECT * FROM deployments WHERE host = ? AND job_id = ?');
  const ofHost = db.prepare<[string], DeploymentRow>('SELECT * FROM deployments WHERE host = ? ORDER BY job_id');
  const ofJob = db.prepare<[string], DeploymentRow>('SELECT * FROM deployments WHERE job_id = ? ORDER BY host');
  const insert = db.prepare(`INSERT INTO deployments (host, job_id, goal, owner, deployer_user, deployer_master, created, modify_index)
    VALUES (@host, @jobId, @goal, @owner, @deployerUser, @deployerMaster, @created, @index)`);
  const setGoal = db.prepare<[Goal, number, string, string]>('UPDATE deployments SET goal = ?, modify_index = ? WHERE host = ? AND job_id = ?');
  const remove = db.prepare<[string, string]>('DELETE FROM deployments WHERE host = ? AND job_id = ?');
  // Read from the covering index deployments_owner alone, as arrays (a sync reads 10,000s of them).
  const refsOfOwner = db.prepare<[string], [string, string, Goal]>('SELECT job_id, host, goal FROM deployments WHERE owner = ? ORDER BY job_id, host').raw();
  const desiredOf = db.prepare<[string], DesiredRow>(desiredOfSql('?'));
  const tasksAfter = db.prepare<[string, string], TaskRow>(
    `SELECT d.job_id, d.goal, j.spec, j.created, j.creating_user, j.owner
     FROM deployments d JOIN jobs j ON j.id = d.job_id WHERE d.host = ? AND d.job_id > ? ORDER BY d.job_id`);
  const hostJobPairs = db.prepare<[], [string, string]>('SELECT host, job_id FROM deployments ORDER BY host').raw();
  const portHolders = db.prepare<[string, string, number], { job_id: string }>(
    'SELECT job_id FROM host_ports WHERE host = ? AND protocol = ? AND port = ? ORDER BY job_id');

  return {
    get: (host: string, jobId: string) => { const row = get.get(host, jobId); return row && toDeployment(row); },
    ofHost: (host: string) => ofHost.all(host).map(toDeployment),
    ofJob: (jobId: string) => ofJob.all(jobId).map(toDeployment),
    /** Job, host and goal of the deployments `owner` made (job id, host order). */
    refsOwnedBy: (owner: string) => refsOfOwner.all(owner).map(([jobId, host, goal]) => ({ jobId, host, goal })),
    /** A registered host's agent id, desired index and tasks with their jobs, read together (an agent's blocking query answers with them); undefined for an unknown host. */
    desiredOf: (host: string): HostDesired | undefined => toHostDesired(desiredOf.all(host)),
    /**
     * One page (store/page.ts) of a host's desired tasks as JSON texts (each `{jobId, job, goal}` as
     * `desiredOf` gives them, spliced from the stored spec as GET /jobs is), in job id order after `after`
     * (`''`: from the first).
     */
    taskPageJson: (host: string, after: string, limit: number, maxChars: number): Page<string> => takePage(tasksAfter.iterate(host, after), {
      limit, maxChars, key: (row) => row.job_id,
      text: taskJson,
    }),
    /** `[host, jobId]` of every deployment, by host (GET /jobs?hostPattern= matches the hosts). */
    hostJobPairs: (): Array<[string, string]> => hostJobPairs.all(),
    /** The jobs deployed on `host` that hold static external port `port` (kept by triggers, see migration 2). */
    portHolders: (host: string, protocol: string, port: number) => portHolders.all(host, protocol, port).map((r) => r.job_id),
    insert: (d: { host: string; jobId: string; goal: Goal; owner: string; deployerUser: string | null; deployerMaster: string | null }, index: number) =>
{ insert.run({ ...d, created: Date.now(), index }); },
    setGoal: (host: string, jobId: string, goal: Goal, index: number) => setGoal.run(goal, index, host, jobId).changes > 0,
    remove: (host: string, jobId: string) => remove.run(host, jobId).changes > 0,
  };
}
