/**
 * The agent protocol (ours, not Helios'): an agent registers with `PUT /hosts/{host}?id=`, then
 *  - heartbeats with `POST /agents/{host}/heartbeat` (host info, labels, Docker health);
 *  - long-polls `GET /agents/{host}/tasks?index=N&wait=MS`: the master answers at once when the host's
 *    desired state is newer than index N, else when it changes, else after `wait` ms with the same index;
 *    the answer is always the host's whole desired set (level-triggered: a lost answer loses nothing),
 *    in pages with `&limit=L` (then `&after=NEXT&wait=0` for the next ones), so that no answer grows
 *    past what one string can hold;
 *  - reports state changes in batches with `POST /agents/{host}/statuses`, and tasks it has removed.
 * Every call names the agent's registration id (`?id=`, or `id` in the body): another agent's is refused.
 * An agent sends the cluster id it recorded (header Helios-Cluster-Id, from the `clusterId` of its first
 * desired set): a master of another cluster refuses it with CLUSTER_MISMATCH instead of giving it a
 * desired set, so a master on an empty database never makes the fleet remove its containers.
 */
import { Type, type Static } from '@sinclair/typebox';
import { JobSchema } from './job.js';
import { AgentInfoSchema, GoalSchema, HostInfoSchema, TaskStatusSchema } from './status.js';

export { CLUSTER_ID_HEADER } from './headers.js';

export const HeartbeatRequestSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 200 }),
  hostInfo: HostInfoSchema,
  agentInfo: AgentInfoSchema,
  labels: Type.Record(Type.String(), Type.String()),
  environment: Type.Record(Type.String(), Type.String()),
  dockerError: Type.Union([Type.String(), Type.Null()]),
});
export type HeartbeatRequest = Static<typeof HeartbeatRequestSchema>;

export const HeartbeatResponseSchema = Type.Object({
  /** The master marks the host DOWN after this long without a heartbeat. */
  downAfterMs: Type.Integer(),
});
export type HeartbeatResponse = Static<typeof HeartbeatResponseSchema>;

export const DesiredTaskSchema = Type.Object({
  jobId: Type.String(),
  job: JobSchema,
  goal: GoalSchema,
});
export type DesiredTask = Static<typeof DesiredTaskSchema>;

export const DesiredTasksSchema = Type.Object({
  /** Pass this back as `index` to wait for the next change. */
  index: Type.Integer(),
  tasks: Type.Array(DesiredTaskSchema),
  /** The cluster these tasks belong to; the agent records the first it gets (absent from older masters). */
  clusterId: Type.Optional(Type.String()),
  /**
   * Asked with `limit`, the answer is one page (job id order): `next` is the `after` of the next page,
   * absent on the last. The pages of one set all carry its index; another index means the set changed
   * meanwhile, and the agent starts again from the first page.
   */
  next: Type.Optional(Type.String()),
});
export type DesiredTasks = Static<typeof DesiredTasksSchema>;

export const TaskUpdateSchema = Type.Object({
  status: TaskStatusSchema,
  /**
   * When the agent saw the change (ms since the epoch), as history shows it. The master keeps it within
   * a minute ahead of and a week behind its own clock; history is ordered by arrival, not by this.
   */
  timestamp: Type.Integer(),
});
export type TaskUpdate = Static<typeof TaskUpdateSchema>;

export const StatusReportSchema = Type.Object({
  /** The reporting agent's id: a report from another agent than the one registered is refused. */
  id: Type.String({ minLength: 1, maxLength: 200 }),
  updates: Type.Array(TaskUpdateSchema, { maxItems: 10_000 }),
  /**
   * Jobs whose containers the agent has removed after an undeploy: their statuses are dropped. The
   * master takes updates of a task deployed on the host, or of one it still has a status for (an
   * undeployed task stopping); others are ignored.
   */
  removed: Type.Array(Type.String(), { maxItems: 10_000 }),
});
export type StatusReport = Static<typeof StatusReportSchema>;
