import type { Queries } from '../store/store.js';
import { planFromView, type DesiredJob, type SourceView, type SyncPlan } from '../plan/syncPlan.js';
import type { GroupRef } from '../plan/groupPlan.js';

/**
 * Plans one commit of a source (plan/syncPlan.ts) over what the store holds. The plan is pure and
 * synchronous, and the store's lookups are not: so it runs over a cache of their answers, each
 * lookup it makes that the cache lacks is noted (and answered "none" for now), the notes are
 * fetched, and it runs again until a run needs nothing new. Its result is the plan over the store
 * itself, since every lookup of the last run was answered from the store. A sync that changes
 * nothing needs one run; a first sync three (jobs, their hosts' ports, who holds those).
 * Its lists, the source's jobs and deployments, are one indexed query each (covering indexes).
 */
export async function planOverStore(q: Queries, source: string, desired: readonly DesiredJob[]): Promise<SyncPlan> {
  const owner = `git:${source}`;
  const ownedJobIds = await q.jobs.idsOwnedBy(owner);
  const deployments = await q.deployments.refsOwnedBy(owner);
  const groups = await groupsOfSource(q, owner, desired);
  const answers = new Map<string, unknown>();
  for (;;) {
    const missing = new Map<string, () => Promise<unknown>>();
    const lookup = <T>(key: string, load: () => Promise<T>): T | undefined => {
      if (answers.has(key)) return answers.get(key) as T;
      missing.set(key, load);
      return undefined;
    };
    const view: SourceView = {
      ownedJobIds,
      deployments,
      deploymentsOfJob: (jobId) => lookup(`of\0${jobId}`, () => q.deployments.ofJob(jobId)) ?? [],
      deployment: (host, jobId) => lookup(`at\0${host}\0${jobId}`, () => q.deployments.get(host, jobId)),
      job: (id) => lookup(`id\0${id}`, () => q.jobs.ownerOf(id)),
      jobByNameVersion: (nv) => lookup(`nv\0${nv}`, () => {
        const [name, version] = nv.split(':');
        return q.jobs.ownerOfNameVersion(name, version ?? '');
      }),
      portHolders: (host, protocol, port) => lookup(`port\0${host}\0${protocol}\0${port}`, () => q.deployments.portHolders(host, protocol, port)) ?? [],
      groups,
    };
    const plan = planFromView(source, desired, view);
    if (missing.size === 0) return plan;
    for (const [key, load] of missing) answers.set(key, await load());
  }
}

/**
 * The deployment groups the commit names and those the source declares (groups are few: one query
 * for all), each named one with the job of its latest rollout.
 */
async function groupsOfSource(q: Queries, owner: string, desired: readonly DesiredJob[]): Promise<GroupRef[]> {
  const named = new Set(desired.flatMap((d) => (d.group ? [d.group.name] : [])));
  const records = (await q.deploymentGroups.list()).filter((r) => named.has(r.group.name) || r.group.owner === owner);
  return Promise.all(records.map(async ({ group, rollout }) => {
    const latest = named.has(group.name) ? (await q.deploymentGroups.rollouts(group.name, 1))[0] : undefined;
    const targetJobId = latest?.jobId ?? group.jobId;
    const jobsInUse = [group.jobId, rollout?.jobId, rollout?.previousJobId].filter((id): id is string => typeof id === 'string');
    return { name: group.name, ...(group.owner ? { owner: group.owner } : {}), hostSelectors: group.hostSelectors,
      ...(targetJobId ? { targetJobId } : {}), jobsInUse };
  }));
}
