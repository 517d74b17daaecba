/**
 * Deployment groups through the API: create, remove, rolling-update, stop, status. Each write is one
 * transaction; the rollout engine (master/rollouts/) carries a started rollout on.
 */
import {
  HeliosError, invalidRequest, jobNotFound, rolloutOptionsErrors, type FieldError,
  type DeploymentGroup, type DeploymentGroupHostStatus, type DeploymentGroupStatusName, type DeploymentGroupStatusResponse,
  type Job, type RollingUpdateRequest, type SyncRollout, type RollingUpdateResponse, type RolloutOptions, type StoredDeploymentGroup,
} from '../../core/index.js';
import type { Queries, Store, WriteTx } from '../store/store.js';
import type { GroupRecord } from '../store/deploymentGroups.js';
import { isUp } from '../views.js';
import { audit, checkGitOwned, type Actor } from './guards.js';
import { matchingHosts } from '../rollouts/membership.js';
import { startRollout, stopRollout } from '../rollouts/rollout.js';
import { writeObserved, type RolloutObserver } from '../rollouts/rolloutEvents.js';
import { groupOwner } from '../rollouts/owner.js';
import { findJob } from './jobs.js';

export const groupNotFound = (name: string) =>
  new HeliosError('DEPLOYMENT_GROUP_NOT_FOUND', `deployment group ${name} not found`, { deploymentGroup: name });

async function groupOrThrow(q: Queries, name: string): Promise<GroupRecord> {
  const record = await q.deploymentGroups.get(name);
  if (!record) throw groupNotFound(name);
  return record;
}

function refuseErrors(errors: FieldError[]): void {
  if (errors.length > 0) throw invalidRequest(errors.map((e) => `${e.path}: ${e.message}`).join('; '), { field: errors[0].path });
}

const sameSelectors = (a: StoredDeploymentGroup, b: DeploymentGroup) => JSON.stringify(a.hostSelectors) === JSON.stringify(b.hostSelectors);

/**
 * CREATED, or NOT_MODIFIED for the same name and selectors (Helios); other selectors are a conflict.
 * The members are found at once, so a rolling-update right after has them.
 */
export async function createGroup(store: Store, body: DeploymentGroup & { job?: string }, actor: Actor): Promise<'CREATED' | 'NOT_MODIFIED'> {
  const { job, ...fields } = body;
  const group: DeploymentGroup = { ...fields, ...(fields.jobId ?? job ? { jobId: fields.jobId ?? job } : {}) };
  if (group.rolloutOptions) refuseErrors(rolloutOptionsErrors('rolloutOptions', group.rolloutOptions));
  return store.write(async (tx) => {
    const existing = await tx.deploymentGroups.get(group.name);
    if (existing) {
      if (sameSelectors(existing.group, group)) return 'NOT_MODIFIED' as const;
      throw new HeliosError('DEPLOYMENT_GROUP_EXISTS',
        `deployment group ${group.name} exists with other host selectors; remove it first (helios remove-deployment-group ${group.name})`,
        { deploymentGroup: group.name });
    }
    await putNewGroup(tx, group as StoredDeploymentGroup, actor);
    return 'CREATED' as const;
  });
}

/** A new group with its members found now, audited (the caller checked the name is free). */
export async function putNewGroup(tx: WriteTx, group: StoredDeploymentGroup, actor: Actor): Promise<void> {
  const hosts = matchingHosts(group.hostSelectors, await tx.hosts.list());
  await tx.deploymentGroups.put({ group, hosts, removed: [], status: null, reverted: false, rollout: null, created: Date.now() }, tx.index);
  await audit(tx, actor, { action: 'create-deployment-group', detail: { name: group.name, hostSelectors: group.hostSelectors } });
}

/** New host selectors for a group; its members follow them at the engine's next pass (after a rollout in progress). */
export async function reselectGroup(tx: WriteTx, name: string, hostSelectors: DeploymentGroup['hostSelectors'], actor: Actor): Promise<void> {
  const record = await groupOrThrow(tx, name);
  await tx.deploymentGroups.put({ ...record, group: { ...record.group, hostSelectors } }, tx.index);
  await audit(tx, actor, { action: 'update-deployment-group', detail: { name, hostSelectors } });
}

/** Removes the group and its history; what it deployed stays deployed (Helios). */
export async function removeGroup(store: Store, name: string, actor: Actor): Promise<void> {
  await store.write(async (tx) => removeGroupIn(tx, name, actor));
}

export async function removeGroupIn(tx: WriteTx, name: string, actor: Actor): Promise<void> {
  const record = await groupOrThrow(tx, name);
  checkGitOwned(record.group.owner, actor, `deployment group ${name}`);
  await tx.deploymentGroups.remove(name);
  await audit(tx, actor, { action: 'remove-deployment-group', detail: { name } });
}

export async function rollingUpdate(store: Store, name: string, request: RollingUpdateRequest, actor: Actor,
  env: { downAfterMs: number; master: string; observer?: RolloutObserver }): Promise<RollingUpdateResponse> {
  const requested = request.rolloutOptions ?? undefined;
  if (requested) refuseErrors(rolloutOptionsErrors('rolloutOptions', requested));
  return writeObserved(store, env.observer, async (tx, events): Promise<RollingUpdateResponse> => {
    const job = await findJob(tx, request.job);
    if (!job) {
      await groupOrThrow(tx, name);
      throw jobNotFound(request.job);
    }
    return startGroupRollout(tx, name, job, requested, actor, { downAfterMs: env.downAfterMs, master: env.master, events });
  });
}

/**
 * Starts a rolling update of the group to `job` in the caller's transaction (the API's, or a sync
 * commit's), audited; `startedBy` defaults to the actor's user, else its token's name.
 */
export async function startGroupRollout(tx: WriteTx, name: string, job: Job, requested: RolloutOptions | undefined, actor: Actor,
  env: { downAfterMs: number; master: string; events?: RolloutObserver }, startedBy = actor.user ?? actor.tokenName): Promise<RollingUpdateResponse> {
  const record = await groupOrThrow(tx, name);
  checkGitOwned(record.group.owner, actor, `deployment group ${name}`);
  const started = await startRollout(tx, record, await tx.hosts.list(), { job, requested, reason: 'MANUAL', startedBy }, { now: Date.now(), ...env });
  const run = started.rollout!;
  await audit(tx, actor, { action: 'rolling-update', jobId: job.id, detail: { deploymentGroup: name, rolloutId: run.rolloutId, options: { ...run.options, token: undefined } } });
  return { status: 'OK', deploymentGroup: name, jobId: job.id, rolloutOptions: run.options, rolloutId: run.rolloutId };
}

export async function stopGroup(store: Store, name: string, actor: Actor, observer?: RolloutObserver): Promise<void> {
  await writeObserved(store, observer, async (tx, events) => {
    const record = await groupOrThrow(tx, name);
    await stopRollout(tx, record, Date.now(), events);
    await audit(tx, actor, { action: 'stop-deployment-group', detail: { name } });
  });
}

export const statusName = (record: GroupRecord): DeploymentGroupStatusName => {
  const state = record.status?.state;
  return state === undefined ? 'IDLE' : state === 'DONE' ? 'ACTIVE' : state;
};

/** Helios' DeploymentGroupStatusResponse: the UP members with the group's job there, plus reverted and the rollout in progress. */
export async function groupStatus(store: Store, name: string, downAfterMs: number): Promise<DeploymentGroupStatusResponse> {
  return store.read(async (q) => {
    const record = await groupOrThrow(q, name);
    const now = Date.now();
    const owner = groupOwner(name);
    const hostStatuses: DeploymentGroupHostStatus[] = [];
    for (const host of record.hosts) {
      const found = await q.hosts.get(host);
      if (!found || !isUp(found, downAfterMs, now)) continue;
      const deployment = (await q.deployments.ofHost(host)).find((d) => d.owner === owner);
      const state = deployment ? (await q.statuses.ofHost(host))[deployment.jobId]?.state ?? null : null;
      hostStatuses.push({ host, jobId: deployment?.jobId ?? null, state });
    }
    const run = record.rollout;
    return {
      deploymentGroup: record.group,
      status: statusName(record),
      error: record.status?.error ?? '',
      hostStatuses,
      deploymentGroupStatus: record.status,
      reverted: record.reverted,
      rollout: run ? { rolloutId: run.rolloutId, tasks: run.tasks, taskIndex: run.taskIndex, reverting: run.reverting } : null,
    };
  });
}

export async function groupHistory(store: Store, name: string, limit: number) {
  return store.read(async (q) => {
    await groupOrThrow(q, name);
    return { rollouts: await q.deploymentGroups.rollouts(name, limit) };
  });
}

/**
 * The rollouts of the groups that run a source's jobs or that it declares, for its sync status: each
 * group's latest rollout and where the group is.
 */
export async function rolloutsOfSources(q: Queries, sources: readonly string[]): Promise<Map<string, SyncRollout[]>> {
  const bySource = new Map(sources.map((s) => [s, [] as SyncRollout[]]));
  for (const record of await q.deploymentGroups.list()) {
    const latest = (await q.deploymentGroups.rollouts(record.group.name, 1))[0];
    const jobId = latest?.jobId ?? record.group.jobId;
    const jobOwner = jobId === undefined ? undefined : (await q.jobs.ownerOf(jobId))?.owner;
    const owners = new Set([record.group.owner, jobOwner].filter((o) => o?.startsWith('git:')));
    for (const owner of owners) {
      bySource.get(owner!.slice('git:'.length))?.push({
        group: record.group.name, jobId: jobId ?? '', status: statusName(record), rolloutId: latest?.id ?? null,
        updated: latest?.hosts.filter((h) => h.phase === 'UPDATE' && h.result === 'DONE').length ?? 0, members: record.hosts.length,
        ...(record.status?.error ? { error: record.status.error } : {}), reverted: record.reverted,
      });
    }
  }
  return bySource;
}
