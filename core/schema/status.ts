/**
 * Deployments, task statuses, history and hosts, as the REST API returns them (Helios shapes).
 *
 * Task lifecycle (agent side):
 *
 *   PULLING_IMAGE → CREATING → STARTING → HEALTHCHECKING → RUNNING ⇄ EXITED (restart, maybe FLAPPING)
 *        │ (IMAGE_MISSING / IMAGE_PULL_FAILED throttles)                  │ goal STOP / undeploy
 *        ▼                                                               ▼
 *      FAILED                                                  STOPPING → STOPPED (→ removed)
 *
 * While an undeployed task's container stops, the agent reports its status with goal UNDEPLOY; the
 * deployment itself is gone from the master at once.
 */
import { Type, type Static } from '@sinclair/typebox';
import { JobSchema, PortMappingSchema } from './job.js';

export const GoalSchema = Type.Union([Type.Literal('START'), Type.Literal('STOP'), Type.Literal('UNDEPLOY')]);
export type Goal = Static<typeof GoalSchema>;

export const taskStates = ['PULLING_IMAGE', 'CREATING', 'STARTING', 'HEALTHCHECKING', 'RUNNING', 'EXITED',
  'STOPPING', 'STOPPED', 'FAILED', 'UNKNOWN'] as const;
export const TaskStateSchema = Type.Union(taskStates.map((s) => Type.Literal(s)));
export type TaskState = (typeof taskStates)[number];

export const throttleStates = ['NO', 'FLAPPING', 'IMAGE_MISSING', 'IMAGE_PULL_FAILED'] as const;
export const ThrottleStateSchema = Type.Union(throttleStates.map((s) => Type.Literal(s)));
export type ThrottleState = (typeof throttleStates)[number];

export const DeploymentSchema = Type.Object({
  jobId: Type.String(),
  goal: GoalSchema,
  deployerUser: Type.Optional(Type.String()),
  deployerMaster: Type.Optional(Type.String()),
  deploymentGroupName: Type.Optional(Type.String()),
  owner: Type.Optional(Type.String()),
});
export type Deployment = Static<typeof DeploymentSchema>;

/**
 * How far an image pull has come, as the engine reports it: bytes downloaded of the layers whose size
 * is known so far (a layer's size is known once its download starts), and layers done (downloaded,
 * or already present) of those the engine has named so far; both totals can still grow.
 */
export const PullProgressSchema = Type.Object({
  bytesDone: Type.Integer({ minimum: 0 }),
  bytesTotal: Type.Integer({ minimum: 0 }),
  layersDone: Type.Integer({ minimum: 0 }),
  layersTotal: Type.Integer({ minimum: 0 }),
});
export type PullProgress = Static<typeof PullProgressSchema>;

export const TaskStatusSchema = Type.Object({
  jobId: Type.String(),
  goal: GoalSchema,
  state: TaskStateSchema,
  containerId: Type.Union([Type.String(), Type.Null()]),
  throttled: ThrottleStateSchema,
  /** The job's ports with the external ports actually bound (dynamic ones included). */
  ports: Type.Record(Type.String(), PortMappingSchema),
  env: Type.Record(Type.String(), Type.String()),
  /** Why the task is in this state: a failed step (FAILED) or how the container ended (EXITED); null otherwise. */
  containerError: Type.Union([Type.String(), Type.Null()]),
  /**
   * While HEALTHCHECKING: why the last health check failed. Absent when it passed or before the first
   * one (an addition to Helios' TaskStatus: optional, so older agents and Helios clients are unaffected).
   */
  healthCheckError: Type.Optional(Type.String()),
  /**
   * While PULLING_IMAGE, once the engine has said anything of the layers: the pull's progress, sent at
   * most once a second. An addition to Helios' TaskStatus, left out of Helios' wire format. A status
   * carrying it is the task's current status but no history event (the PULLING_IMAGE that begins the
   * pull, without it, is one), so a long pull does not push real events out of the history.
   */
  pullProgress: Type.Optional(PullProgressSchema),
});
export type TaskStatus = Static<typeof TaskStatusSchema>;

export const JobStatusSchema = Type.Object({
  job: JobSchema,
  deployments: Type.Record(Type.String(), DeploymentSchema),
  taskStatuses: Type.Record(Type.String(), TaskStatusSchema),
});
export type JobStatus = Static<typeof JobStatusSchema>;

export const TaskStatusEventSchema = Type.Object({
  status: TaskStatusSchema,
  timestamp: Type.Integer({ description: 'Milliseconds since the epoch' }),
  host: Type.String(),
});
export type TaskStatusEvent = Static<typeof TaskStatusEventSchema>;

export const HostInfoSchema = Type.Object({
  hostname: Type.String(),
  uname: Type.String(),
  architecture: Type.String(),
  osName: Type.String(),
  osVersion: Type.String(),
  cpus: Type.Integer(),
  loadAvg: Type.Number(),
  memoryTotalBytes: Type.Number(),
  memoryFreeBytes: Type.Number(),
  swapTotalBytes: Type.Number(),
  swapFreeBytes: Type.Number(),
  uptime: Type.Number({ description: 'Seconds the machine has been up' }),
  dockerVersion: Type.Union([Type.Object({ version: Type.String(), apiVersion: Type.String() }), Type.Null()]),
  dockerHost: Type.String(),
});
export type HostInfo = Static<typeof HostInfoSchema>;

export const AgentInfoSchema = Type.Object({
  name: Type.String(),
  version: Type.String(),
  startTime: Type.Integer(),
  uptime: Type.Integer({ description: 'Milliseconds since the agent started' }),
});
export type AgentInfo = Static<typeof AgentInfoSchema>;

export const HostStateSchema = Type.Union([Type.Literal('UP'), Type.Literal('DOWN')]);
export type HostState = Static<typeof HostStateSchema>;

export const HostStatusSchema = Type.Object({
  status: HostStateSchema,
  hostInfo: Type.Union([HostInfoSchema, Type.Null()]),
  agentInfo: Type.Union([AgentInfoSchema, Type.Null()]),
  jobs: Type.Record(Type.String(), DeploymentSchema),
  statuses: Type.Record(Type.String(), TaskStatusSchema),
  environment: Type.Record(Type.String(), Type.String()),
  labels: Type.Record(Type.String(), Type.String()),
  /** Last heartbeat, ms since the epoch; null before the first one. */
  lastSeen: Type.Union([Type.Integer(), Type.Null()]),
  /** Why the agent cannot reach its Docker engine, when it cannot. */
  dockerError: Type.Union([Type.String(), Type.Null()]),
});
export type HostStatus = Static<typeof HostStatusSchema>;
