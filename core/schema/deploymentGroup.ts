/**
 * Deployment groups and rolling updates (`/deployment-group/`), in Helios' shapes where Helios has one
 * (`DeploymentGroup`, `DeploymentGroupStatus`, `RolloutTask`, `RollingUpdateRequest`,
 * `DeploymentGroupStatusResponse`), plus ours: a rollout's history, `reverted`, and the rollout in progress.
 *
 * A group names hosts by label selectors and, after its first rolling update, a job; the master keeps
 * every matching host on that job. A rolling update is planned as a list of `RolloutTask`s (Helios'
 * planners: core/model/rolloutPlan.ts) and run by the master one condition at a time.
 */
import { Type, type Static } from '@sinclair/typebox';
import { HostSelectorSchema } from '../model/hostSelector.js';
import type { EffectiveRolloutOptions } from '../model/rolloutOptions.js';
import type { RolloutTask } from '../model/rolloutPlan.js';
import { RolloutOptionsSchema } from './job.js';
import type { TaskState } from './status.js';

/** A group's name: it appears in URLs and container labels, so the host-name charset (Helios checked nothing). */
export const DEPLOYMENT_GROUP_NAME = '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$';

export const rollingUpdateReasons = ['MANUAL', 'HOSTS_CHANGED'] as const;
export type RollingUpdateReason = (typeof rollingUpdateReasons)[number];

/** Helios' `DeploymentGroup`: what `POST /deployment-group/` takes and `GET /deployment-group/NAME` answers. */
export const DeploymentGroupSchema = Type.Object({
  name: Type.String({ pattern: DEPLOYMENT_GROUP_NAME }),
  hostSelectors: Type.Array(HostSelectorSchema, { maxItems: 100 }),
  /** The group's job, set by its first rolling update; Helios' creator also reads it as `job`. */
  jobId: Type.Optional(Type.String()),
  /** The options of the last rolling update, complete (merged request → job → defaults). */
  rolloutOptions: Type.Optional(RolloutOptionsSchema),
  rollingUpdateReason: Type.Optional(Type.Union(rollingUpdateReasons.map((r) => Type.Literal(r)))),
});
export type DeploymentGroup = Static<typeof DeploymentGroupSchema>;

/**
 * What the master answers for a group: its options are always complete once it has a job; ours, the
 * owner of a group a git source declares (`git:SOURCE`, which changes and removes it with its file).
 */
export type StoredDeploymentGroup = Omit<DeploymentGroup, 'rolloutOptions'> & { rolloutOptions?: EffectiveRolloutOptions; owner?: string };

/** `POST /deployment-group/{name}/rolling-update`: Helios' `RollingUpdateRequest`. */
export const RollingUpdateRequestSchema = Type.Object({
  /** A full job id (`name:version:hash`). */
  job: Type.String({ minLength: 1 }),
  rolloutOptions: Type.Optional(Type.Union([RolloutOptionsSchema, Type.Null()])),
});
export type RollingUpdateRequest = Static<typeof RollingUpdateRequestSchema>;

/** Helios' answer statuses; ours says the failures with 404/409 and these only in Helios' wire format. */
export type CreateDeploymentGroupStatus = 'CREATED' | 'NOT_MODIFIED' | 'CONFLICT';
export type RemoveDeploymentGroupStatus = 'REMOVED' | 'DEPLOYMENT_GROUP_NOT_FOUND';
export type RollingUpdateStatus = 'OK' | 'JOB_NOT_FOUND' | 'DEPLOYMENT_GROUP_NOT_FOUND';

export interface CreateDeploymentGroupResponse { status: 'CREATED' | 'NOT_MODIFIED' }
export interface RemoveDeploymentGroupResponse { status: 'REMOVED' }
/** Ours adds the rollout started and the options it runs with (merged). */
export interface RollingUpdateResponse {
  status: 'OK';
  deploymentGroup: string;
  jobId: string;
  rolloutOptions: EffectiveRolloutOptions;
  /** The rollout's id in the group's history. */
  rolloutId: number;
}

/** Helios' `DeploymentGroupStatus.State`: a group never rolled out has none (the API says IDLE). */
export const deploymentGroupStates = ['ROLLING_OUT', 'FAILED', 'DONE'] as const;
export type DeploymentGroupState = (typeof deploymentGroupStates)[number];
export interface DeploymentGroupStatus { state: DeploymentGroupState; error?: string }

/** The status the API shows: DONE is ACTIVE, no status is IDLE (Helios' DeploymentGroupStatusResponse.Status). */
export type DeploymentGroupStatusName = 'ROLLING_OUT' | 'ACTIVE' | 'FAILED' | 'IDLE';

/** Helios' `RollingUpdateError` codes, and ours for a stop and an unreachable job. */
export const rolloutErrorCodes = ['PORT_CONFLICT', 'JOB_UNEXPECTEDLY_UNDEPLOYED', 'JOB_ALREADY_DEPLOYED',
  'TIMED_OUT_WAITING_FOR_JOB_TO_REACH_RUNNING', 'TIMED_OUT_WAITING_FOR_JOB_TO_UNDEPLOY', 'UNABLE_TO_MARK_HOST_UNDEPLOYED',
  'TOKEN_VERIFICATION_ERROR', 'JOB_NOT_FOUND', 'HOST_NOT_FOUND', 'TIMED_OUT_RETRIEVING_JOB_STATUS',
  'IMAGE_MISSING', 'IMAGE_PULL_FAILED', 'UNKNOWN', 'STOPPED'] as const;
export type RolloutErrorCode = (typeof rolloutErrorCodes)[number];

/** `GET /deployment-group/{name}/status`: one of the group's UP hosts, in group order. */
export interface DeploymentGroupHostStatus {
  host: string;
  /** The job the group deployed there, or null. */
  jobId: string | null;
  state: TaskState | null;
}

/** The rollout in progress, ours: its plan and where it is. */
export interface RolloutProgress {
  rolloutId: number;
  tasks: RolloutTask[];
  taskIndex: number;
  /** True while the rollout puts touched hosts back on the previous job. */
  reverting: boolean;
}

export interface DeploymentGroupStatusResponse {
  deploymentGroup: StoredDeploymentGroup;
  status: DeploymentGroupStatusName;
  /** "" when none, as Helios. */
  error: string;
  hostStatuses: DeploymentGroupHostStatus[];
  deploymentGroupStatus: DeploymentGroupStatus | null;
  /** Ours: the last rollout failed and its touched hosts were put back on the previous job. */
  reverted: boolean;
  /** Ours: the rollout in progress, or null. */
  rollout: RolloutProgress | null;
}

export type RolloutOutcome = 'ROLLING_OUT' | 'DONE' | 'FAILED' | 'STOPPED';

/** One host's part in a rollout, in the order the hosts were started. */
export interface RolloutHostResult {
  host: string;
  /** UPDATE: got the new job; UNDEPLOY: left the group; REVERT: put back on the previous job. */
  phase: 'UPDATE' | 'UNDEPLOY' | 'REVERT';
  /** Milliseconds since the epoch: the host's first task, and the one that finished it. */
  started: number;
  finished: number | null;
  result: 'IN_PROGRESS' | 'DONE' | 'FAILED';
  error?: string;
  errorCode?: RolloutErrorCode;
}

/** A rollout as the group's history keeps it (`GET /deployment-group/{name}/history`, newest first). */
export interface RolloutRecord {
  id: number;
  group: string;
  jobId: string;
  /** The group's job before this rollout (what auto-revert goes back to), or null. */
  previousJobId: string | null;
  reason: RollingUpdateReason;
  /** Who asked: the principal's name (token name, certificate subject, `cli`), or `master` for host changes. */
  startedBy: string;
  options: EffectiveRolloutOptions;
  started: number;
  finished: number | null;
  outcome: RolloutOutcome;
  error: string | null;
  errorCode: RolloutErrorCode | null;
  reverted: boolean;
  hosts: RolloutHostResult[];
}

export interface DeploymentGroupHistory { rollouts: RolloutRecord[] }
