import { HeliosError, jobNotFound, parseJobId, type Job } from '../../core/index.js';
import type { Store, WriteTx } from '../store/store.js';
import { audit, checkGitOwned, checkToken, type Actor } from './guards.js';

/** Stores a built job (its id computed by `buildJob`). Id and name:version are unique. */
export function createJob(store: Store, tx: WriteTx, job: Job, actor: Actor, now = Date.now()): Job {
  const parts = parseJobId(job.id)!;
  const same = store.jobs.get(job.id) ?? store.jobs.byNameVersion(parts.name, parts.version);
  if (same) {
    const message = same.id === job.id
      ? `job ${job.id} already exists`
      : `job ${parts.name}:${parts.version} already exists with another configuration (${same.id}); give it a new version`;
    throw new HeliosError('JOB_ALREADY_EXISTS', message, { id: same.id });
  }
  store.jobs.insert({ job, name: parts.name, version: parts.version, created: now, creatingUser: actor.user, owner: actor.owner }, tx.index);
  audit(store, actor, { action: 'create', jobId: job.id });
  return store.jobs.get(job.id)!;
}

/** Removes a job that is deployed nowhere. */
export function removeJob(store: Store, _tx: WriteTx, jobId: string, actor: Actor): void {
  const job = store.jobs.get(jobId);
  if (!job) throw jobNotFound(jobId);
  checkToken(job, actor);
  checkGitOwned(job.owner, actor, `job ${jobId}`);
  const hosts = store.deployments.ofJob(jobId).map((d) => d.host);
  if (hosts.length > 0) {
    throw new HeliosError('STILL_IN_USE', `job ${jobId} is still deployed on ${hosts.join(', ')}; undeploy it first`, { jobId, hosts });
  }
  store.jobs.remove(jobId);
  audit(store, actor, { action: 'remove', jobId });
}

/** Resolves `name:version:hash`, or `name:version` (unique on a master), to a stored job. */
export function findJob(store: Store, ref: string): Job | undefined {
  const job = store.jobs.get(ref);
  if (job) return job;
  const parts = parseJobId(ref);
  return parts && !parts.hash ? store.jobs.byNameVersion(parts.name, parts.version) : undefined;
}
