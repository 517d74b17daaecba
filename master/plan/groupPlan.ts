/**
 * The deployment-group part of a sync plan (plan/syncPlan.ts): a job file with `deploy.group` rolls
 * the group out to its job. Pure, like the rest of the plan.
 *
 * - A file with `deploy.selector` declares the group: the source creates it (`create-group`), changes
 *   its selectors (`update-group`) and removes it with the file (`remove-group`). Without selectors
 *   the group must exist (made by hand or by Pulumi); a group another source declares is refused.
 * - `rolling-update` when the group's latest rollout (running or ended) is not of the file's job, so
 *   re-applying a commit starts nothing, and a rollout that failed (and was reverted) is not started
 *   again at every pass: the next commit is. A rolling update by hand to another job is rolled back
 *   to the file's at the next pass, as every hand change of what git owns.
 * - The old version of a job stays while a group of the commit still runs it or may go back to it
 *   (its deployments there are the rollout's to replace); a later pass removes it once unused.
 */
import type { FileError, HostSelector, SyncAction } from '../../core/index.js';
import type { DesiredJob } from './syncPlan.js';

/** What the plan reads of a deployment group. */
export interface GroupRef {
  name: string;
  /** `git:SOURCE` for a group a source declares; absent for one made through the API. */
  owner?: string;
  hostSelectors: readonly HostSelector[];
  /** The job of the group's latest rollout (running or ended), else its job: what a commit compares with. */
  targetJobId?: string;
  /** The jobs the group runs or may go back to: its job, and while rolling out the previous one. */
  jobsInUse: readonly string[];
}

export interface GroupPlan {
  /** create-group and update-group (after the jobs are created), remove-group. */
  declare: SyncAction[];
  remove: SyncAction[];
  rollouts: SyncAction[];
  /** Owned jobs not in the commit that a group of the commit still needs: neither undeployed nor removed now. */
  retained: Set<string>;
  errors: FileError[];
}

const nameVersion = (id: string) => id.split(':').slice(0, 2).join(':');
const sameSelectors = (a: readonly HostSelector[], b: readonly HostSelector[]) => JSON.stringify(a) === JSON.stringify(b);

/** `groupsDeploying(jobId)`: the groups (names) that have a job deployed, asked for the owned jobs the commit drops. */
export function planGroups(source: string, desired: readonly DesiredJob[], groups: readonly GroupRef[], ownedJobIds: readonly string[],
  groupsDeploying: (jobId: string) => readonly string[]): GroupPlan {
  const owner = `git:${source}`;
  const plan: GroupPlan = { declare: [], remove: [], rollouts: [], retained: new Set(), errors: [] };
  const fail = (d: DesiredJob, field: string, message: string) => plan.errors.push({ file: d.file, line: d.lines?.[field], message });
  const byName = new Map(groups.map((g) => [g.name, g]));
  const targeted = new Map<string, DesiredJob>();
  for (const d of desired) {
    if (!d.group) continue;
    const { name, hostSelectors } = d.group;
    const other = targeted.get(name);
    if (other) {
      fail(d, 'deploy', `deployment group ${name} is also rolled out to by ${other.file}; one job file per group`);
      continue;
    }
    targeted.set(name, d);
    const existing = byName.get(name);
    const action = { jobId: d.job.id, group: name, file: d.file };
    if (!existing) {
      if (hostSelectors) plan.declare.push({ action: 'create-group', ...action });
      else fail(d, 'deploy', `deployment group ${name} does not exist: give deploy.selector (e.g. [role=web]) to declare it in this file, or create it (helios create-deployment-group ${name} role=web)`);
    } else if (existing.owner !== undefined && existing.owner !== owner) {
      fail(d, 'deploy', `deployment group ${name} is declared by ${existing.owner}; a group follows one source`);
      continue;
    } else if (hostSelectors && !sameSelectors(existing.hostSelectors, hostSelectors)) {
      if (existing.owner === owner) plan.declare.push({ action: 'update-group', ...action });
      else fail(d, 'deploy', `deployment group ${name} exists with other host selectors (made through the API): drop deploy.selector to roll out to it as it is, or remove it there first`);
    }
    if (existing?.targetJobId !== d.job.id) plan.rollouts.push({ action: 'rolling-update', ...action });
  }

  // The old versions the groups of the commit still run (or may revert to) stay until a later pass.
  const desiredIds = new Set(desired.map((d) => d.job.id));
  const inUse = new Set([...targeted.keys()].flatMap((name) => byName.get(name)?.jobsInUse ?? []));
  for (const id of ownedJobIds) {
    if (desiredIds.has(id)) continue;
    if (inUse.has(id) || groupsDeploying(id).some((name) => targeted.has(name))) plan.retained.add(id);
  }
  // name:version is unique on a master: a changed job that keeps its version cannot be created beside the old one.
  const retainedByNameVersion = new Map([...plan.retained].map((id) => [nameVersion(id), id]));
  for (const d of targeted.values()) {
    const old = retainedByNameVersion.get(nameVersion(d.job.id));
    if (old) fail(d, 'version', `job ${old} stays on deployment group ${d.group!.name} while a rolling update replaces it, so a changed job needs a new version`);
  }

  for (const g of groups) {
    if (g.owner === owner && !targeted.has(g.name)) plan.remove.push({ action: 'remove-group', jobId: g.targetJobId ?? '', group: g.name });
  }
  return plan;
}
