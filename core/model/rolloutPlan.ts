/**
 * Rollout planning for deployment groups, as Helios plans it (`RollingUpdatePlanner`,
 * `RollingUndeployPlanner`, `ZooKeeperMasterModel.getInitRollingUpdateOps`): the hosts, in the
 * group's order, are cut into chunks of `parallelism`, and each chunk becomes one step of tasks.
 * Only the order of tasks is decided here; what a task does, and when it is done, is the rollout
 * engine's (master). `rolloutTasks(plan)` is Helios' flat task list, which its planner tests pin.
 */
import { Type, type Static } from '@sinclair/typebox';
import { HeliosError } from '../errors/HeliosError.js';
import type { RolloutOptions } from './rolloutOptions.js';

/** Helios' `RolloutTask.Action`s, by name, so stored and reported tasks read as Helios' do. */
export const ROLLOUT_ACTIONS = [
  'UNDEPLOY_OLD_JOBS', 'DEPLOY_NEW_JOB', 'AWAIT_RUNNING', 'FORCE_UNDEPLOY_JOBS', 'AWAIT_UNDEPLOYED', 'MARK_UNDEPLOYED',
] as const;
export type RolloutAction = (typeof ROLLOUT_ACTIONS)[number];

/** One task: an action on one host (`target`), Helios' JSON shape. */
export const RolloutTaskSchema = Type.Object({
  action: Type.Union(ROLLOUT_ACTIONS.map((action) => Type.Literal(action))),
  target: Type.String({ description: 'A host name' }),
});
export type RolloutTask = Static<typeof RolloutTaskSchema>;

/**
 * One chunk of at most `parallelism` hosts and its tasks. `update` puts the group's job on them;
 * `undeploy` takes it off hosts that left the group.
 */
export const RolloutStepSchema = Type.Object({
  kind: Type.Union([Type.Literal('update'), Type.Literal('undeploy')]),
  hosts: Type.Array(Type.String()),
  tasks: Type.Array(RolloutTaskSchema),
});
export type RolloutStep = Static<typeof RolloutStepSchema>;

type PlanOptions = Pick<RolloutOptions, 'parallelism' | 'overlap'>;

/**
 * The update of `hosts`, a step per chunk. Without overlap a chunk's old jobs go before the new one
 * starts (undeploy, deploy per host, then await each); with `overlap` the new job runs first and
 * the old ones go once it is RUNNING everywhere in the chunk.
 * @example rolloutTasks(planRollingUpdate(['a', 'b'], { parallelism: 2 }))
 * // → UNDEPLOY_OLD_JOBS a, DEPLOY_NEW_JOB a, UNDEPLOY_OLD_JOBS b, DEPLOY_NEW_JOB b, AWAIT_RUNNING a, AWAIT_RUNNING b
 */
export function planRollingUpdate(hosts: readonly string[], options: PlanOptions = {}): RolloutStep[] {
  return chunks(hosts, options).map((chunk) => ({
    kind: 'update',
    hosts: chunk,
    tasks: options.overlap === true
      ? [...each(chunk, 'DEPLOY_NEW_JOB'), ...each(chunk, 'AWAIT_RUNNING'), ...each(chunk, 'UNDEPLOY_OLD_JOBS')]
      : [...chunk.flatMap((host) => [task('UNDEPLOY_OLD_JOBS', host), task('DEPLOY_NEW_JOB', host)]), ...each(chunk, 'AWAIT_RUNNING')],
  }));
}

/**
 * The undeploy of the group's job from `hosts` that left it, a step per chunk: every host's jobs
 * undeployed, then per host the wait for it to be gone and the host dropped from the removed list.
 */
export function planRollingUndeploy(hosts: readonly string[], options: PlanOptions = {}): RolloutStep[] {
  return chunks(hosts, options).map((chunk) => ({
    kind: 'undeploy',
    hosts: chunk,
    tasks: [...each(chunk, 'FORCE_UNDEPLOY_JOBS'), ...chunk.flatMap((host) => [task('AWAIT_UNDEPLOYED', host), task('MARK_UNDEPLOYED', host)])],
  }));
}

export interface RolloutInput {
  /** The group's hosts, in the group's order. */
  hosts: readonly string[];
  /** Hosts that left the group and still need its job undeployed. */
  removed?: readonly string[];
  /** Whether a host is UP: only UP hosts get tasks, as in Helios. */
  isUp: (host: string) => boolean;
  options?: PlanOptions;
}

/**
 * A whole rollout: first the undeploy of removed hosts that are UP (a host also in `hosts` is
 * updated, never undeployed), then the update of the group's UP hosts.
 */
export function planRollout({ hosts, removed = [], isUp, options = {} }: RolloutInput): RolloutStep[] {
  const members = new Set(hosts);
  const leaving = removed.filter((host) => !members.has(host) && isUp(host));
  return [...planRollingUndeploy(leaving, options), ...planRollingUpdate(hosts.filter(isUp), options)];
}

/** The plan as Helios' flat task list, in execution order. */
export function rolloutTasks(plan: readonly RolloutStep[]): RolloutTask[] {
  return plan.flatMap((step) => step.tasks);
}

function chunks(hosts: readonly string[], { parallelism = 1 }: PlanOptions): string[][] {
  if (!Number.isInteger(parallelism) || parallelism < 1) {
    throw new HeliosError('INVALID_REQUEST', `rolloutOptions.parallelism must be an integer of 1 or more, not ${parallelism}`, { field: 'rolloutOptions.parallelism' });
  }
  const result: string[][] = [];
  for (let start = 0; start < hosts.length; start += parallelism) result.push(hosts.slice(start, start + parallelism));
  return result;
}

const task = (action: RolloutAction, target: string): RolloutTask => ({ action, target });
const each = (hosts: readonly string[], action: RolloutAction) => hosts.map((host) => task(action, host));
