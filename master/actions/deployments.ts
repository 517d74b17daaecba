import { HeliosError, hostNotFound, jobNotFound, type Goal, type Job } from '../../core/index.js';
import type { Queries, WriteTx } from '../store/store.js';
import { createPortIndex, staticPorts } from '../plan/portConflicts.js';
import { audit, checkGitOwned, checkToken, isGitOwner, type Actor } from './guards.js';
import { findJob } from './jobs.js';

export interface DeployRequest {
  host: string;
  jobId: string;
  goal: Goal;
}

const notDeployed = (jobId: string, host: string) =>
  new HeliosError('JOB_NOT_DEPLOYED', `job ${jobId} is not deployed on host ${host}`, { jobId, host });

async function jobOrThrow(q: Queries, jobId: string): Promise<Job> {
  const job = await findJob(q, jobId);
  if (!job) throw jobNotFound(jobId);
  return job;
}

/** The first job on `host` holding one of `job`'s static ports: only those ports' holders are read (host_ports, one index lookup each). */
async function portConflict(q: Queries, host: string, job: Job) {
  const holders = new Map<string, string[]>();
  for (const p of staticPorts(job)) holders.set(`${p.protocol}:${p.port}`, await q.deployments.portHolders(host, p.protocol, p.port));
  return createPortIndex((_host, protocol, port) => holders.get(`${protocol}:${port}`) ?? []).find(host, job);
}

/**
 * Deploys a job to a host. A user deploy needs the host registered; sync deploys (`requireHost:
 * false`) may target hosts that appear later. With `force`, deploying over a git-owned deployment
 * sets its goal (git keeps owning it).
 */
export async function deploy(tx: WriteTx, req: DeployRequest, actor: Actor, options: { requireHost?: boolean } = {}): Promise<Job> {
  const job = await jobOrThrow(tx, req.jobId);
  if (options.requireHost !== false && !await tx.hosts.get(req.host)) throw hostNotFound(req.host);
  checkToken(job, actor);
  const existing = await tx.deployments.get(req.host, job.id);
  if (existing) {
    checkGitOwned(existing.owner, actor, `the deployment of ${job.id} on ${req.host}`);
    if (!isGitOwner(existing.owner) || actor.system) {
      throw new HeliosError('JOB_ALREADY_DEPLOYED', `job ${job.id} is already deployed on host ${req.host}`, { jobId: job.id, host: req.host });
    }
    if (existing.goal !== req.goal) {
      await tx.deployments.setGoal(req.host, job.id, req.goal, tx.index);
      tx.touchHost(req.host);
    }
    await audit(tx, actor, { action: 'set-goal', jobId: job.id, host: req.host, detail: { goal: req.goal, force: true } });
    return job;
  }
  const conflict = await portConflict(tx, req.host, job);
  if (conflict) {
    throw new HeliosError('PORT_CONFLICT',
      `port ${conflict.port}/${conflict.protocol} on host ${req.host} is already used by job ${conflict.jobId}`,
      { host: req.host, jobId: job.id, conflictingJobId: conflict.jobId, port: conflict.port, protocol: conflict.protocol });
  }
  await tx.deployments.insert({
    host: req.host, jobId: job.id, goal: req.goal, owner: actor.owner, deployerUser: actor.user, deployerMaster: actor.master,
  }, tx.index);
  tx.touchHost(req.host);
  await audit(tx, actor, { action: 'deploy', jobId: job.id, host: req.host, detail: { goal: req.goal } });
  return job;
}

/** Sets the goal (START or STOP) of an existing deployment. */
export async function setGoal(tx: WriteTx, req: DeployRequest, actor: Actor): Promise<Job> {
  const job = await jobOrThrow(tx, req.jobId);
  const existing = await tx.deployments.get(req.host, job.id);
  if (!existing) throw notDeployed(job.id, req.host);
  checkToken(job, actor);
  checkGitOwned(existing.owner, actor, `the deployment of ${job.id} on ${req.host}`);
  if (existing.goal !== req.goal) {
    await tx.deployments.setGoal(req.host, job.id, req.goal, tx.index);
    tx.touchHost(req.host);
  }
  await audit(tx, actor, { action: 'set-goal', jobId: job.id, host: req.host, detail: { goal: req.goal } });
  return job;
}

/** Deletes the deployment; the agent then stops and removes the container and reports it removed. */
export async function undeploy(tx: WriteTx, host: string, jobId: string, actor: Actor): Promise<Job> {
  const job = await jobOrThrow(tx, jobId);
  const existing = await tx.deployments.get(host, job.id);
  if (!existing) throw notDeployed(job.id, host);
  checkToken(job, actor);
  checkGitOwned(existing.owner, actor, `the deployment of ${job.id} on ${host}`);
  await tx.deployments.remove(host, job.id);
  tx.touchHost(host);
  await audit(tx, actor, { action: 'undeploy', jobId: job.id, host });
  return job;
}
