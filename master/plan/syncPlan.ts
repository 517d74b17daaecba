/**
 * The sync-apply plan: from a source's desired set for one commit and the master's current state,
 * the actions that make what the source (`git:<name>`) owns match the commit. Pure: no I/O (the state
 * comes as a SourceView of lists and lookups).
 *
 * Order (applied in one transaction): undeploy → remove-group → remove → create → create-group,
 * update-group → deploy → set-goal → rolling-update. Undeploys and removes come first so a changed
 * file (same name, new version or config) frees its ports and its name:version before the new job is
 * created and deployed; a group's rolling update goes last, once its job and the group exist.
 *
 * Only what the source owns is changed or pruned; a job id or name:version held by another owner,
 * or a static port held on a host by another owner's job, refuses the commit with an error on the file.
 *
 * Cost: one pass over the commit and over the source's own jobs and deployments, with map lookups;
 * lookups of other owners' state only for what the commit adds (a one-file change: a handful).
 */
import type { FileError, Goal, Job, SyncAction, SyncGroup } from '../../core/index.js';
import { createPortIndex, staticPorts, type PortHolders } from './portConflicts.js';
import { planGroups, type GroupRef } from './groupPlan.js';
import { groupOfOwner } from '../rollouts/owner.js';

export interface DesiredJob {
  file: string;
  job: Job;
  hosts: string[];
  goal: 'START' | 'STOP';
  /** `deploy.group`: rolled out to this deployment group (hosts are empty). */
  group?: SyncGroup;
  /** Line of each top-level key of the file (errors point at `deploy` or `ports`). */
  lines?: Record<string, number>;
}

export interface DeploymentRef {
  host: string;
  jobId: string;
  goal: Goal;
  owner: string;
}

export interface JobRef {
  id: string;
  owner?: string;
}

/**
 * What the plan reads of the master's state: the source's own jobs and deployments as lists, and
 * lookups for the rest, so that the store answers each from an index.
 */
export interface SourceView {
  /** Ids of the jobs the source owns. */
  ownedJobIds: readonly string[];
  /** The deployments the source owns. */
  deployments: readonly Pick<DeploymentRef, 'host' | 'jobId' | 'goal'>[];
  /** Every deployment of a job, whoever made it (host order). */
  deploymentsOfJob(jobId: string): readonly DeploymentRef[];
  /** The deployment of a job on a host, whoever made it. */
  deployment(host: string, jobId: string): DeploymentRef | undefined;
  /** Id and owner of any job, by id. */
  job(id: string): JobRef | undefined;
  /** Id and owner of any job, by `name:version`. */
  jobByNameVersion(nameVersion: string): JobRef | undefined;
  /** The jobs deployed on a host that hold a static external port there. */
  portHolders: PortHolders;
  /** The deployment groups the commit names or the source declares (plan/groupPlan.ts). */
  groups: readonly GroupRef[];
}

/** The whole state as lists (tests, small states); `viewOfLists` turns it into a SourceView. */
export interface CurrentState {
  /** Every job on the master (id, owner; `ports` for conflict checks). */
  jobs: readonly Pick<Job, 'id' | 'owner' | 'ports'>[];
  /** Every deployment on the master. */
  deployments: readonly DeploymentRef[];
  groups?: readonly GroupRef[];
}

export interface SyncPlan {
  actions: SyncAction[];
  errors: FileError[];
}

interface Wanted {
  host: string;
  desired: DesiredJob;
  /** The goal of the deployment already there, once found. */
  found?: Goal;
}

const nameVersion = (id: string) => id.split(':').slice(0, 2).join(':');

/** host → job id → value: two lookups instead of building a `host + job id` key string each time. */
class ByHostAndJob<V> {
  private readonly hosts = new Map<string, Map<string, V>>();
  get(host: string, jobId: string): V | undefined { return this.hosts.get(host)?.get(jobId); }
  set(host: string, jobId: string, value: V): void {
    (this.hosts.get(host) ?? this.hosts.set(host, new Map()).get(host)!).set(jobId, value);
  }
}
const byJobThenHost = (a: SyncAction, b: SyncAction) =>
  (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : a.host! < b.host! ? -1 : a.host! > b.host! ? 1 : 0);

/** A SourceView over whole lists of jobs and deployments. */
export function viewOfLists(source: string, current: CurrentState): SourceView {
  const owner = `git:${source}`;
  const byId = new Map(current.jobs.map((j) => [j.id, j]));
  const byNameVersion = new Map(current.jobs.map((j) => [nameVersion(j.id), j]));
  const holders = new Map<string, string[]>();
  for (const d of current.deployments) {
    const job = byId.get(d.jobId);
    if (!job) continue;
    for (const p of staticPorts(job)) {
      const k = `${d.host}\u0000${p.protocol}:${p.port}`;
      (holders.get(k) ?? holders.set(k, []).get(k)!).push(d.jobId);
    }
  }
  return {
    ownedJobIds: current.jobs.filter((j) => j.owner === owner).map((j) => j.id),
    deployments: current.deployments.filter((d) => d.owner === owner),
    deploymentsOfJob: (jobId) => current.deployments.filter((d) => d.jobId === jobId),
    deployment: (host, jobId) => current.deployments.find((d) => d.host === host && d.jobId === jobId),
    job: (id) => byId.get(id),
    jobByNameVersion: (nv) => byNameVersion.get(nv),
    portHolders: (host, protocol, port) => holders.get(`${host}\u0000${protocol}:${port}`) ?? [],
    groups: current.groups ?? [],
  };
}

/** `planFromView` over whole lists. */
export function planSync(source: string, desired: readonly DesiredJob[], current: CurrentState): SyncPlan {
  return planFromView(source, desired, viewOfLists(source, current));
}

export function planFromView(source: string, desired: readonly DesiredJob[], current: SourceView): SyncPlan {
  const owner = `git:${source}`;
  const errors: FileError[] = [];
  const fail = (d: DesiredJob, field: string, message: string) => errors.push({ file: d.file, line: d.lines?.[field], message });

  const owned = new Set(current.ownedJobIds);
  const desiredById = new Map<string, DesiredJob>();
  // The deployments the commit wants: host × job.
  const wanted = new ByHostAndJob<Wanted>();
  const wantedInOrder: Wanted[] = [];
  for (const d of desired) {
    desiredById.set(d.job.id, d);
    for (const host of d.hosts) {
      if (wanted.get(host, d.job.id)) continue;
      const w = { host, desired: d };
      wanted.set(host, d.job.id, w);
      wantedInOrder.push(w);
    }
    if (owned.has(d.job.id)) continue;
    const same = current.job(d.job.id) ?? current.jobByNameVersion(nameVersion(d.job.id));
    if (same && same.owner !== owner) {
      // Another version of ours with this name:version would be removed first; another owner's is not ours to touch.
      const what = same.id === d.job.id ? `job ${same.id}` : `job ${nameVersion(d.job.id)} (as ${same.id})`;
      fail(d, 'name', `${what} already exists, owned by ${same.owner ?? 'unknown'}; give this job another name or version, or remove it there first`);
    }
  }

  const groups = planGroups(source, desired, current.groups, current.ownedJobIds, (jobId) =>
    current.deploymentsOfJob(jobId).map((d) => groupOfOwner(d.owner)).filter((g) => g !== undefined));
  errors.push(...groups.errors);

  // Undeploy what the source deployed and no longer wants, and every deployment of a job it drops
  // (but an old version a group of the commit still runs: its rolling update replaces it).
  const undeploys: SyncAction[] = [];
  const removes: SyncAction[] = [];
  for (const dep of current.deployments) {
    const w = wanted.get(dep.host, dep.jobId);
    if (w) w.found = dep.goal;
    else undeploys.push({ action: 'undeploy', jobId: dep.jobId, host: dep.host });
  }
  for (const id of current.ownedJobIds) {
    if (desiredById.has(id) || groups.retained.has(id)) continue;
    for (const dep of current.deploymentsOfJob(id)) if (dep.owner !== owner) undeploys.push({ action: 'undeploy', jobId: id, host: dep.host });
    removes.push({ action: 'remove', jobId: id });
  }
  undeploys.sort(byJobThenHost);
  const undeployed = new ByHostAndJob<true>();
  for (const a of undeploys) undeployed.set(a.host!, a.jobId, true);

  const creates: SyncAction[] = [];
  for (const d of desired) if (!owned.has(d.job.id)) creates.push({ action: 'create', jobId: d.job.id, file: d.file });

  const deploys: SyncAction[] = [];
  const goals: SyncAction[] = [];
  for (const w of wantedInOrder) {
    const { job, goal, file } = w.desired;
    // Someone else's deployment of one of our jobs counts as there (the source keeps its goal).
    const found = w.found ?? (owned.has(job.id) ? current.deployment(w.host, job.id)?.goal : undefined);
    if (found === undefined) deploys.push({ action: 'deploy', jobId: job.id, host: w.host, goal, file });
    else if (found !== goal) goals.push({ action: 'set-goal', jobId: job.id, host: w.host, goal, file });
  }

  // Static ports: what stays deployed on a host (less this plan's undeploys), then what this commit adds there.
  const ports = createPortIndex((host, protocol, port) =>
    current.portHolders(host, protocol, port).filter((id) => !undeployed.get(host, id)));
  for (const a of deploys) {
    const d = desiredById.get(a.jobId)!;
    const conflict = ports.find(a.host!, d.job);
    if (conflict) {
      const by = desiredById.get(conflict.jobId);
      fail(d, 'ports', `port ${conflict.port}/${conflict.protocol} on host ${a.host} is also used by job ${conflict.jobId}`
        + (by ? ` (${by.file})` : ` (owned by ${current.job(conflict.jobId)?.owner ?? 'unknown'})`));
    }
    ports.add(a.host!, d.job);
  }
  if (errors.length > 0) return { actions: [], errors };
  return { actions: [...undeploys, ...groups.remove, ...removes, ...creates, ...groups.declare, ...deploys, ...goals, ...groups.rollouts], errors };
}
