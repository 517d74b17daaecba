/**
 * What each of Helios' rollout tasks does on one host (ZooKeeperMasterModel.rollingUpdateStep and
 * RollingUpdateOpFactory), inside one write transaction: it either moves on, waits (until a time, or
 * the next change), or fails with Helios' error code and text.
 */
import { isHeliosError, type RolloutErrorCode, type RolloutTask, type TaskStatus } from '../../core/index.js';
import type { WriteTx } from '../store/store.js';
import type { Actor } from '../actions/guards.js';
import { deploy, undeploy } from '../actions/deployments.js';
import type { GroupRecord, RolloutRun } from '../store/deploymentGroups.js';
import { groupOwner } from './owner.js';

export type TaskOutcome =
  | { kind: 'next' }
  /** `until`: the time the answer changes by itself (a timeout, minHealthySeconds); `run`: state to keep meanwhile. */
  | { kind: 'wait'; until?: number; run?: RolloutRun }
  | { kind: 'error'; code: RolloutErrorCode; message: string };

export interface TaskContext {
  record: GroupRecord;
  run: RolloutRun;
  /** The rollout's actor: owner `group:NAME`, the rollout's token. */
  actor: Actor;
  now: number;
}


/** The job this part of the rollout puts on its hosts: the new one, or while reverting the previous one. */
export const targetJobOf = (run: RolloutRun) => (run.reverting && run.previousJobId !== null ? run.previousJobId : run.jobId);

const next: TaskOutcome = { kind: 'next' };
const fail = (code: RolloutErrorCode, message: string): TaskOutcome => ({ kind: 'error', code, message });

export async function runTask(tx: WriteTx, task: RolloutTask, ctx: TaskContext): Promise<TaskOutcome> {
  switch (task.action) {
    case 'UNDEPLOY_OLD_JOBS': return undeployOld(tx, task.target, ctx, true);
    case 'FORCE_UNDEPLOY_JOBS': return undeployOld(tx, task.target, ctx, false);
    case 'DEPLOY_NEW_JOB': return deployNew(tx, task.target, ctx);
    case 'AWAIT_RUNNING': return awaitRunning(tx, task.target, ctx);
    case 'AWAIT_UNDEPLOYED': return awaitUndeployed(tx, task.target, ctx);
    case 'MARK_UNDEPLOYED': return next; // the engine drops the host from `removed`
  }
}

/** The group's deployments on `host` (and with migrate, any of the group's job), undeployed with the rollout's token. */
async function undeployOld(tx: WriteTx, host: string, ctx: TaskContext, skipRedundant: boolean): Promise<TaskOutcome> {
  if (!await tx.hosts.get(host)) return fail('HOST_NOT_FOUND', `host ${host} not found`);
  const owner = groupOwner(ctx.record.group.name);
  const target = targetJobOf(ctx.run);
  for (const deployment of await tx.deployments.ofHost(host)) {
    const owned = deployment.owner === owner;
    if (!owned && !(ctx.run.options.migrate && deployment.jobId === target)) continue;
    if (skipRedundant && owned && deployment.jobId === target && deployment.goal === 'START') continue;
    try {
      await undeploy(tx, host, deployment.jobId, ctx.actor);
    } catch (err) {
      const failure = rolloutError(err);
      if (failure) return failure;
      throw err;
    }
  }
  return next;
}

async function deployNew(tx: WriteTx, host: string, ctx: TaskContext): Promise<TaskOutcome> {
  const jobId = targetJobOf(ctx.run);
  if (await tx.deployments.get(host, jobId)) return next; // already deployed, by anyone: AWAIT_RUNNING says whose
  try {
    await deploy(tx, { host, jobId, goal: 'START' }, ctx.actor);
  } catch (err) {
    const failure = rolloutError(err);
    if (failure) return failure;
    throw err;
  }
  return next;
}

/** Helios' codes for what deploy and undeploy refuse; anything else is a bug and propagates. */
function rolloutError(err: unknown): TaskOutcome | undefined {
  if (!isHeliosError(err)) return undefined;
  switch (err.code) {
    case 'JOB_NOT_FOUND': return fail('JOB_NOT_FOUND', err.message);
    case 'HOST_NOT_FOUND': return fail('HOST_NOT_FOUND', err.message);
    case 'FORBIDDEN': return fail('TOKEN_VERIFICATION_ERROR', err.message);
    case 'PORT_CONFLICT':
      return fail('PORT_CONFLICT', `${err.message} (the conflicting job was deployed manually or by a different deployment group)`);
    case 'JOB_NOT_DEPLOYED': return { kind: 'next' };
    default: return fail('UNKNOWN', err.message);
  }
}

async function awaitRunning(tx: WriteTx, host: string, ctx: TaskContext): Promise<TaskOutcome> {
  const jobId = targetJobOf(ctx.run);
  const deadline = ctx.run.taskStarted + ctx.run.options.timeout * 1000;
  const timedOut = ctx.now > deadline;
  const deployment = await tx.deployments.get(host, jobId);
  const status: TaskStatus | undefined = (await tx.statuses.ofHost(host))[jobId];
  if (!deployment) return fail('JOB_UNEXPECTEDLY_UNDEPLOYED', 'Job unexpectedly undeployed. Perhaps it was manually undeployed?');
  if (!status) return timedOut ? fail('TIMED_OUT_RETRIEVING_JOB_STATUS', 'timed out while retrieving job status') : { kind: 'wait', until: deadline };
  if (status.state !== 'RUNNING') {
    // Better than Helios: an image that is missing or cannot be pulled will not come by waiting.
    if (status.throttled === 'IMAGE_MISSING' || status.throttled === 'IMAGE_PULL_FAILED' || timedOut) {
      return notRunningError(tx, host, jobId, status, timedOut);
    }
    return withHealthySince(ctx.run, host, undefined, { kind: 'wait', until: deadline });
  }
  if (deployment.owner !== groupOwner(ctx.record.group.name) && !ctx.run.options.migrate) {
    return fail('JOB_ALREADY_DEPLOYED', 'job was already deployed, either manually or by a different deployment group');
  }
  // RUNNING comes after the health check passed (agent); ours: it must stay so for minHealthySeconds.
  const since = ctx.run.healthySince?.[host] ?? ctx.now;
  const healthyAt = since + ctx.run.options.minHealthySeconds * 1000;
  if (ctx.now >= healthyAt) return next;
  return withHealthySince(ctx.run, host, since, { kind: 'wait', until: healthyAt });
}

/** A wait that records (or forgets) when the host's task was first seen RUNNING, when that changed. */
function withHealthySince(run: RolloutRun, host: string, since: number | undefined, wait: TaskOutcome & { kind: 'wait' }): TaskOutcome {
  if (run.healthySince?.[host] === since) return wait;
  const healthySince = { ...run.healthySince };
  if (since === undefined) delete healthySince[host];
  else healthySince[host] = since;
  return { ...wait, run: { ...run, healthySince } };
}

/** Helios' texts: "timed out waiting for job J to reach state RUNNING [due to …] (terminal job state S, previous states: A->B)". */
async function notRunningError(tx: WriteTx, host: string, jobId: string, status: TaskStatus, timedOut: boolean): Promise<TaskOutcome> {
  const states = (await tx.statuses.history(jobId)).filter((e) => e.host === host).map((e) => e.status.state).slice(-10);
  const stateInfo = `(terminal job state ${status.state}, previous states: ${states.join('->')})`;
  const base = timedOut ? `timed out waiting for job ${jobId} to reach state RUNNING ` : `job ${jobId} cannot reach state RUNNING `;
  if (status.throttled === 'IMAGE_MISSING') return fail('IMAGE_MISSING', `${base}due to missing Docker image ${stateInfo}`);
  if (status.throttled === 'IMAGE_PULL_FAILED') {
    const why = status.containerError ? `: ${status.containerError}` : '';
    return fail('IMAGE_PULL_FAILED', `${base}due to failure pulling Docker image ${stateInfo}${why}`);
  }
  if (status.containerError) return fail('TIMED_OUT_WAITING_FOR_JOB_TO_REACH_RUNNING', `${base}${stateInfo} container error: ${status.containerError}`);
  return fail('TIMED_OUT_WAITING_FOR_JOB_TO_REACH_RUNNING', `${base}${stateInfo}`);
}

async function awaitUndeployed(tx: WriteTx, host: string, ctx: TaskContext): Promise<TaskOutcome> {
  const jobId = targetJobOf(ctx.run);
  if (!(await tx.statuses.ofHost(host))[jobId]) return next;
  const deadline = ctx.run.taskStarted + ctx.run.options.timeout * 1000;
  if (ctx.now > deadline) return fail('TIMED_OUT_WAITING_FOR_JOB_TO_UNDEPLOY', 'timed out while waiting for job undeployment');
  return { kind: 'wait', until: deadline };
}

