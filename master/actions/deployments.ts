import { HeliosError, hostNotFound, jobNotFound, type Goal, type Job } from '../../core/index.js';
import type { Store, WriteTx } from '../store/store.js';
import { createPortIndex } from '../plan/portConflicts.js';
import { audit, checkGitOwned, checkToken, isGitOwner, type Actor } from './guards.js';
import { findJob } from './jobs.js';

export interface DeployRequest {
  host: string;
  jobId: string;
  goal: Goal;
}

const notDeployed = (jobId: string, host: string) =>
  new HeliosError('JOB_NOT_DEPLOYED', `job ${jobId} is not deployed on host ${host}`, { jobId, host });

function jobOrThrow(store: Store, jobId: string): Job {
  const job = findJob(store, jobId);
  if (!job) throw jobNotFound(jobId);
  return job;
}

/**
 * Deploys a job to a host. A user deploy needs the host registered; sync deploys (`requireHost:
 * false`) may target hosts that appear later. With `force`, deploying over a git-owned deployment
 * sets its goal (git keeps owning it).
 */
export function deploy(store: Store, tx: WriteTx, req: DeployRequest, actor: Actor, options: { requireHost?: boolean } = {}): Job {
  const job = jobOrThrow(store, req.jobId);
  if (options.requireHost !== false && !store.hosts.get(req.host)) throw hostNotFound(req.host);
  checkToken(job, actor);
  const existing = store.deployments.get(req.host, job.id);
  if (existing) {
    checkGitOwned(existing.owner, actor, `the deployment of ${job.id} on ${req.host}`);
    if (!isGitOwner(existing.owner) || actor.system) {
      throw new HeliosError('JOB_ALREADY_DEPLOYED', `job ${job.id} is already deployed on host ${req.host}`, { jobId: job.id, host: req.host });
    }
    if (existing.goal !== req.goal) {
      store.deployments.setGoal(req.host, job.id, req.goal, tx.index);
      tx.touchHost(req.host);
    }
    audit(store, actor, { action: 'set-goal', jobId: job.id, host: req.host, detail: { goal: req.goal, force: true } });
    return job;
  }
  // Only the host's holders of this job's static ports are read (host_ports, one index lookup per port).
  const conflict = createPortIndex(store.deployments.portHolders).find(req.host, job);
  if (conflict) {
    throw new HeliosError('PORT_CONFLICT',
      `port ${conflict.port}/${conflict.protocol} on host ${req.host} is already used by job ${conflict.jobId}`,
      { host: req.host, jobId: job.id, conflictingJobId: conflict.jobId, port: conflict.port, protocol: conflict.protocol });
  }
  store.deployments.insert({
    host: req.host, jobId: job.id, goal: req.goal, owner: actor.owner, deployerUser: actor.user, deployerMaster: actor.master,
  }, tx.index);
  tx.touchHost(req.host);
  audit(store, actor, { action: 'deploy', jobId: job.id, host: req.host, detail: { goal: req.goal } });
  return job;
}

/** Sets the goal (START or STOP) of an existing deployment. */
export function setGoal(store: Store, tx: WriteTx, req: DeployRequest, actor: Actor): Job {
  const job = jobOrThrow(store, req.jobId);
  const existing = store.deployments.get(req.host, job.id);
  if (!existing) throw notDeployed(job.id, req.host);
  checkToken(job, actor);
  checkGitOwned(existing.owner, actor, `the deployment of ${job.id} on ${req.host}`);
  if (existing.goal !== req.goal) {
    store.deployments.setGoal(req.host, job.id, req.goal, tx.index);
    tx.touchHost(req.host);
  }
  audit(store, actor, { action: 'set-goal', jobId: job.id, host: req.host, detail: { goal: req.goal } });
  return job;
}

/** Deletes the deployment; the agent then stops and removes the container and reports it removed. */
export function undeploy(store: Store, tx: WriteTx, host: string, jobId: string, actor: Actor): Job {
  const job = jobOrThrow(store, jobId);
  const existing = store.deployments.get(host, job.id);
  if (!existing) throw notDeployed(job.id, host);
  checkToken(job, actor);
  checkGitOwned(existing.owner, actor, `the deployment of ${job.id} on ${host}`);
  store.deployments.remove(host, job.id);
  tx.touchHost(host);
  audit(store, actor, { action: 'undeploy', jobId: job.id, host });
  return job;
}
