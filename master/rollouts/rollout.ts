/**
 * A group's rollout as state transitions, each inside the caller's write transaction: start one
 * (rolling-update, or the hosts changed), take one step, stop. The state is the group's row
 * (deployment_groups.rollout) and the rollout's record, written together, so a master that dies
 * between two steps leaves a state the next master continues from.
 */
import {
  HeliosError, compareHostNames, effectiveRolloutOptions, planRollingUpdate, planRollout, rolloutTasks,
  type Job, type RolloutErrorCode, type RolloutHostResult, type RolloutOptions, type RolloutRecord, type RolloutTask, type RollingUpdateReason,
} from '../../core/index.js';
import { staticPorts } from '../plan/portConflicts.js';
import type { WriteTx } from '../store/store.js';
import type { GroupRecord, RolloutRun } from '../store/deploymentGroups.js';
import type { HostRecord } from '../store/hosts.js';
import { isUp } from '../views.js';
import type { Actor } from '../actions/guards.js';
import { withCurrentMembers } from './membership.js';
import { runTask } from './tasks.js';
import { groupOwner } from './owner.js';
import type { RolloutObserver } from './rolloutEvents.js';

export interface RolloutEnv {
  now: number;
  downAfterMs: number;
  /** This master's name, recorded on the deployments a rollout makes. */
  master: string;
  /** Told what the rollout did (rolloutEvents.ts: only once the write commits). */
  events?: RolloutObserver;
}

export interface StartRequest {
  job: Job;
  requested?: RolloutOptions | null;
  reason: RollingUpdateReason;
  /** Who asked: a principal's name, or `master` for a change of hosts. */
  startedBy: string;
}

/**
 * Starts a rollout of `job` over the group's current members (recomputed now, so a rolling-update
 * right after create-deployment-group already has them), replacing one in progress.
 */
export async function startRollout(tx: WriteTx, record: GroupRecord, hosts: readonly HostRecord[], request: StartRequest, env: RolloutEnv): Promise<GroupRecord> {
  const options = effectiveRolloutOptions(request.requested ?? undefined, request.job.rolloutOptions);
  if (options.overlap) refuseOverlapWithStaticPorts(request.job);
  const current = withCurrentMembers(record, hosts) ?? record;
  const up = new Set(hosts.filter((host) => isUp(host, env.downAfterMs, env.now)).map((host) => host.name));
  const tasks = rolloutTasks(planRollout({ hosts: current.hosts, removed: current.removed, isUp: (host) => up.has(host), options }));
  if (record.rollout) {
    await endRecord(tx, record.rollout.rolloutId, env.now, 'STOPPED', 'superseded by a new rolling update', 'STOPPED', false);
    env.events?.finished(record.group.name, 'STOPPED', false);
  }
  const sameJob = record.group.jobId === request.job.id;
  const previousJobId = sameJob ? (record.rollout?.previousJobId ?? null) : (record.group.jobId ?? null);
  const rolloutId = await tx.deploymentGroups.addRollout({
    id: 0, group: record.group.name, jobId: request.job.id, previousJobId, reason: request.reason, startedBy: request.startedBy, options,
    started: env.now, finished: null, outcome: 'ROLLING_OUT', error: null, errorCode: null, reverted: false, hosts: [],
  });
  const run: RolloutRun = { rolloutId, jobId: request.job.id, previousJobId, options, tasks, taskIndex: 0, taskStarted: env.now, touched: [], reverting: false };
  const started: GroupRecord = {
    ...current,
    group: { ...current.group, jobId: request.job.id, rolloutOptions: options, rollingUpdateReason: request.reason },
    status: { state: 'ROLLING_OUT' },
    reverted: false,
    rollout: run,
  };
  await tx.deploymentGroups.put(started, tx.index);
  env.events?.started(record.group.name, request.reason);
  return started;
}

/** Helios only warned in --help: old and new job side by side on a host cannot share a static host port. */
function refuseOverlapWithStaticPorts(job: Job): void {
  const ports = staticPorts(job);
  if (ports.length === 0) return;
  const list = ports.map((p) => `${p.port}/${p.protocol}`).join(', ');
  throw new HeliosError('PORT_CONFLICT',
    `overlap runs the old and the new job side by side on each host, and job ${job.id} publishes static host ports (${list}) that both cannot hold: `
    + 'roll out without overlap, or give the ports no externalPort', { jobId: job.id, field: 'rolloutOptions.overlap' });
}

/** What one step did: wrote (go on at once), or nothing to do until `until` or the next change. */
export type StepResult = { wrote: true } | { wrote: false; until?: number };

/** One task of the rollout in progress (the caller checked there is one). */
export async function stepRollout(tx: WriteTx, record: GroupRecord, env: RolloutEnv): Promise<StepResult> {
  const run = record.rollout!;
  if (run.taskIndex >= run.tasks.length) {
    await finish(tx, record, env);
    return { wrote: true };
  }
  const task = run.tasks[run.taskIndex];
  const actor: Actor = { owner: groupOwner(record.group.name), user: null, tokenName: `rollout ${run.rolloutId}`, master: env.master, token: run.options.token };
  const outcome = await runTask(tx, task, { record, run, actor, now: env.now });
  if (outcome.kind === 'wait') {
    if (!outcome.run) return { wrote: false, until: outcome.until };
    await tx.deploymentGroups.put({ ...record, rollout: outcome.run }, tx.index);
    return { wrote: true };
  }
  env.events?.stepped(task.action, outcome.kind === 'error', (env.now - run.taskStarted) / 1000);
  const rolloutRecord = (await tx.deploymentGroups.rollout(run.rolloutId))!;
  const hostResult = hostResultOf(rolloutRecord, task, run, env.now);
  if (outcome.kind === 'error') {
    hostResult.result = 'FAILED';
    hostResult.finished = env.now;
    hostResult.error = outcome.message;
    hostResult.errorCode = outcome.code;
    await tx.deploymentGroups.putRollout(rolloutRecord);
    if (run.options.ignoreFailures) {
      await advance(tx, record, run, env);
      return { wrote: true };
    }
    await failRollout(tx, record, `${task.target}: ${outcome.message}`, outcome.code, env);
    return { wrote: true };
  }
  if (isLastTaskOfHost(run, task)) {
    hostResult.result = 'DONE';
    hostResult.finished = env.now;
  }
  await tx.deploymentGroups.putRollout(rolloutRecord);
  const touched = task.action === 'DEPLOY_NEW_JOB' && !run.reverting && !run.touched.includes(task.target) ? [...run.touched, task.target] : run.touched;
  const removed = task.action === 'MARK_UNDEPLOYED' ? record.removed.filter((host) => host !== task.target) : record.removed;
  await advance(tx, { ...record, removed }, { ...run, touched }, env);
  return { wrote: true };
}

async function advance(tx: WriteTx, record: GroupRecord, run: RolloutRun, env: RolloutEnv): Promise<void> {
  const { healthySince: _done, ...rest } = run;
  await tx.deploymentGroups.put({ ...record, rollout: { ...rest, taskIndex: run.taskIndex + 1, taskStarted: env.now } }, tx.index);
}

const undeployActions = new Set(['FORCE_UNDEPLOY_JOBS', 'AWAIT_UNDEPLOYED', 'MARK_UNDEPLOYED']);

/** The host's entry in the record for this part of the rollout, made at its first task. */
function hostResultOf(record: RolloutRecord, task: RolloutTask, run: RolloutRun, now: number): RolloutHostResult {
  const phase = run.reverting ? 'REVERT' : undeployActions.has(task.action) ? 'UNDEPLOY' : 'UPDATE';
  const found = record.hosts.find((h) => h.host === task.target && h.phase === phase);
  if (found) return found;
  const made: RolloutHostResult = { host: task.target, phase, started: now, finished: null, result: 'IN_PROGRESS' };
  record.hosts.push(made);
  return made;
}

function isLastTaskOfHost(run: RolloutRun, task: RolloutTask): boolean {
  const phaseOf = (t: RolloutTask) => undeployActions.has(t.action);
  return !run.tasks.slice(run.taskIndex + 1).some((t) => t.target === task.target && phaseOf(t) === phaseOf(task));
}

/** The rollout failed: revert the touched hosts when it may, else the group is FAILED with the error. */
async function failRollout(tx: WriteTx, record: GroupRecord, error: string, errorCode: RolloutErrorCode, env: RolloutEnv): Promise<void> {
  const run = record.rollout!;
  if (run.reverting) {
    const first = run.failure!;
    await end(tx, record, env, { error: `${first.error}; the revert failed too: ${error}`, errorCode: first.errorCode ?? errorCode, reverted: false });
    return;
  }
  if (run.options.autoRevert && run.previousJobId !== null && run.touched.length > 0) {
    const hosts = [...run.touched].sort(compareHostNames);
    const tasks = rolloutTasks(planRollingUpdate(hosts, run.options));
    const rolloutRecord = (await tx.deploymentGroups.rollout(run.rolloutId))!;
    await tx.deploymentGroups.putRollout({ ...rolloutRecord, error, errorCode });
    await tx.deploymentGroups.put({
      ...record,
      group: { ...record.group, jobId: run.previousJobId },
      rollout: { ...run, tasks, taskIndex: 0, taskStarted: env.now, reverting: true, failure: { error, errorCode }, healthySince: undefined },
    }, tx.index);
    return;
  }
  await end(tx, record, env, { error, errorCode, reverted: false });
}

async function finish(tx: WriteTx, record: GroupRecord, env: RolloutEnv): Promise<void> {
  const run = record.rollout!;
  if (run.reverting && run.failure) await end(tx, record, env, { error: run.failure.error, errorCode: run.failure.errorCode, reverted: true });
  else await end(tx, record, env, null);
}

/** The rollout is over: DONE without a failure, else FAILED with it. */
async function end(tx: WriteTx, record: GroupRecord, env: RolloutEnv,
  failure: { error: string; errorCode: RolloutErrorCode | null; reverted: boolean } | null): Promise<void> {
  const run = record.rollout!;
  await endRecord(tx, run.rolloutId, env.now, failure ? 'FAILED' : 'DONE', failure?.error ?? null, failure?.errorCode ?? null, failure?.reverted ?? false);
  env.events?.finished(record.group.name, failure ? 'FAILED' : 'DONE', failure?.reverted ?? false);
  await tx.deploymentGroups.put({
    ...record,
    status: failure ? { state: 'FAILED', error: failure.error } : { state: 'DONE' },
    reverted: failure?.reverted ?? false,
    rollout: null,
  }, tx.index);
}

async function endRecord(tx: WriteTx, rolloutId: number, now: number, outcome: RolloutRecord['outcome'],
  error: string | null, errorCode: RolloutErrorCode | null, reverted: boolean): Promise<void> {
  const record = await tx.deploymentGroups.rollout(rolloutId);
  if (!record) return;
  await tx.deploymentGroups.putRollout({ ...record, finished: now, outcome, error: record.error ?? error, errorCode: record.errorCode ?? errorCode, reverted });
}

/** stop-deployment-group: FAILED "Stopped by user", the rollout's tasks dropped (Helios). */
export async function stopRollout(tx: WriteTx, record: GroupRecord, now: number, events?: RolloutObserver): Promise<void> {
  if (record.rollout) {
    await endRecord(tx, record.rollout.rolloutId, now, 'STOPPED', 'Stopped by user', 'STOPPED', false);
    events?.finished(record.group.name, 'STOPPED', false);
  }
  await tx.deploymentGroups.put({ ...record, status: { state: 'FAILED', error: 'Stopped by user' }, reverted: false, rollout: null }, tx.index);
}
