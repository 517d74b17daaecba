import { HeliosError, jobNotFound, parseJobId, type Job } from '../../core/index.js';
import type { Queries, WriteTx } from '../store/store.js';
import { audit, checkGitOwned, checkToken, type Actor } from './guards.js';

/** Stores a built job (its id computed by `buildJob`). Id and name:version are unique. */
export async function createJob(tx: WriteTx, job: Job, actor: Actor, now = Date.now()): Promise<Job> {
  const parts = parseJobId(job.id)!;
  // name:version is unique and part of the id: one lookup finds the same job and a clashing one.
  const same = await tx.jobs.byNameVersion(parts.name, parts.version);
  if (same) {
    const message = same.id === job.id
      ? `job ${job.id} already exists`
      : `job ${parts.name}:${parts.version} already exists with another configuration (${same.id}); give it a new version`;
    throw new HeliosError('JOB_ALREADY_EXISTS', message, { id: same.id });
  }
  const stored = await tx.jobs.insert({ job, name: parts.name, version: parts.version, created: now, creatingUser: actor.user, owner: actor.owner }, tx.index);
  await audit(tx, actor, { action: 'create', jobId: job.id });
  return stored;
}

/** Removes a job that is deployed nowhere. */
export async function removeJob(tx: WriteTx, jobId: string, actor: Actor): Promise<void> {
  const job = await tx.jobs.get(jobId);
  if (!job) throw jobNotFound(jobId);
  checkToken(job, actor);
  checkGitOwned(job.owner, actor, `job ${jobId}`);
  const hosts = (await tx.deployments.ofJob(jobId)).map((d) => d.host);
  if (hosts.length > 0) {
    throw new HeliosError('STILL_IN_USE', `job ${jobId} is still deployed on ${hosts.join(', ')}; undeploy it first`, { jobId, hosts });
  }
  await tx.jobs.remove(jobId);
  await audit(tx, actor, { action: 'remove', jobId });
}

/** Resolves `name:version:hash`, or `name:version` (unique on a master), to a stored job. */
export async function findJob(q: Queries, ref: string): Promise<Job | undefined> {
  const job = await q.jobs.get(ref);
  if (job) return job;
  const parts = parseJobId(ref);
  return parts && !parts.hash ? q.jobs.byNameVersion(parts.name, parts.version) : undefined;
}
