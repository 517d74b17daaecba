/**
 * The sync-apply plan: from a source's desired set for one commit and the master's current state,
 * the actions that make what the source (`git:<name>`) owns match the commit. Pure: no I/O.
 *
 * Order (applied in one transaction): undeploy → remove → create → deploy → set-goal. Undeploys and
 * removes come first so a changed file (same name:version? no: same name, new version or config)
 * frees its ports and its name:version before the new job is created and deployed.
 *
 * Only what the source owns is changed or pruned; a job id or name:version held by another owner,
 * or a static port held on a host by another owner's job, refuses the commit with an error on the file.
 */
import type { FileError, Goal, Job, SyncAction } from '../../core/index.js';
import { findPortConflict } from './portConflicts.js';

export interface DesiredJob {
  file: string;
  job: Job;
  hosts: string[];
  goal: 'START' | 'STOP';
  /** Line of each top-level key of the file (errors point at `deploy` or `ports`). */
  lines?: Record<string, number>;
}

export interface CurrentState {
  /** Every job on the master (id, owner; `ports` for conflict checks). */
  jobs: readonly Pick<Job, 'id' | 'owner' | 'ports'>[];
  /** Every deployment on the master. */
  deployments: readonly { host: string; jobId: string; goal: Goal; owner: string }[];
}

export interface SyncPlan {
  actions: SyncAction[];
  errors: FileError[];
}

const nameVersion = (id: string) => id.split(':').slice(0, 2).join(':');
const key = (host: string, jobId: string) => `${host}\u0000${jobId}`;

export function planSync(source: string, desired: readonly DesiredJob[], current: CurrentState): SyncPlan {
  const owner = `git:${source}`;
  const errors: FileError[] = [];
  const fail = (d: DesiredJob, field: string, message: string) => errors.push({ file: d.file, line: d.lines?.[field], message });

  const jobsById = new Map(current.jobs.map((j) => [j.id, j]));
  const jobsByNameVersion = new Map(current.jobs.map((j) => [nameVersion(j.id), j]));
  const desiredById = new Map(desired.map((d) => [d.job.id, d]));
  const ownedJob = (id: string) => jobsById.get(id)?.owner === owner;

  for (const d of desired) {
    const same = jobsById.get(d.job.id) ?? jobsByNameVersion.get(nameVersion(d.job.id));
    if (same && same.owner !== owner) {
      // Another version of ours with this name:version would be removed first; another owner's is not ours to touch.
      const what = same.id === d.job.id ? `job ${same.id}` : `job ${nameVersion(d.job.id)} (as ${same.id})`;
      fail(d, 'name', `${what} already exists, owned by ${same.owner ?? 'unknown'}; give this job another name or version, or remove it there first`);
    }
  }

  // The deployments the commit wants: host × job → goal.
  const wanted = new Map<string, { host: string; jobId: string; goal: Goal; file: string }>();
  for (const d of desired) for (const host of new Set(d.hosts)) wanted.set(key(host, d.job.id), { host, jobId: d.job.id, goal: d.goal, file: d.file });

  const actions: SyncAction[] = [];
  const kept = [];
  for (const dep of current.deployments) {
    const jobGoes = ownedJob(dep.jobId) && !desiredById.has(dep.jobId);
    if (jobGoes || (dep.owner === owner && !wanted.has(key(dep.host, dep.jobId)))) {
      actions.push({ action: 'undeploy', jobId: dep.jobId, host: dep.host });
    } else {
      kept.push(dep);
    }
  }
  for (const job of current.jobs) {
    if (job.owner === owner && !desiredById.has(job.id)) actions.push({ action: 'remove', jobId: job.id });
  }
  for (const d of desired) {
    if (!jobsById.has(d.job.id)) actions.push({ action: 'create', jobId: d.job.id, file: d.file });
  }
  const existing = new Map(kept.map((dep) => [key(dep.host, dep.jobId), dep]));
  const deploys: SyncAction[] = [];
  const goals: SyncAction[] = [];
  for (const w of wanted.values()) {
    const dep = existing.get(key(w.host, w.jobId));
    if (!dep) deploys.push({ action: 'deploy', jobId: w.jobId, host: w.host, goal: w.goal, file: w.file });
    else if (dep.goal !== w.goal) goals.push({ action: 'set-goal', jobId: w.jobId, host: w.host, goal: w.goal, file: w.file });
  }
  actions.push(...deploys, ...goals);

  // Static ports: every job that will be on a host, checked against the ones this commit adds there.
  const onHost = new Map<string, Pick<Job, 'id' | 'ports'>[]>();
  const jobOf = (id: string) => desiredById.get(id)?.job ?? jobsById.get(id);
  for (const dep of kept) {
    const job = jobOf(dep.jobId);
    if (job) (onHost.get(dep.host) ?? onHost.set(dep.host, []).get(dep.host)!).push(job);
  }
  for (const a of deploys) {
    const d = desiredById.get(a.jobId)!;
    const others = onHost.get(a.host!) ?? [];
    const conflict = findPortConflict(d.job, others);
    if (conflict) {
      const by = desiredById.get(conflict.jobId);
      fail(d, 'ports', `port ${conflict.port}/${conflict.protocol} on host ${a.host} is also used by job ${conflict.jobId}`
        + (by ? ` (${by.file})` : ` (owned by ${jobsById.get(conflict.jobId)?.owner ?? 'unknown'})`));
    }
    onHost.set(a.host!, [...others, d.job]);
  }
  return { actions: errors.length > 0 ? [] : actions, errors };
}
