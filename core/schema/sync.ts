/**
 * GitOps sync: the syncer sends a source's whole desired set for one commit; the master plans it
 * against what that source owns and applies it in one transaction (or only plans it, on dry run).
 */
import { Type, type Static } from '@sinclair/typebox';
import { JobSpecSchema, RolloutOptionsSchema } from './job.js';
import { MAX_DEPLOY_HOSTS } from '../model/limits.js';
import { HostSelectorSchema } from '../model/hostSelector.js';
import type { DeploymentGroupStatusName } from './deploymentGroup.js';

export const FileErrorSchema = Type.Object({
  file: Type.String(),
  line: Type.Optional(Type.Integer()),
  message: Type.String(),
});
export type FileError = Static<typeof FileErrorSchema>;

/**
 * A job file's `deploy.group`: the job goes to a deployment group, and a new version of it is a
 * rolling update of the group. With `hostSelectors` the source declares (and owns) the group.
 */
export const SyncGroupSchema = Type.Object({
  name: Type.String({ minLength: 1 }),
  hostSelectors: Type.Optional(Type.Array(HostSelectorSchema, { maxItems: 100 })),
  rolloutOptions: Type.Optional(RolloutOptionsSchema),
}, { additionalProperties: false });
export type SyncGroup = Static<typeof SyncGroupSchema>;

export const SyncJobSchema = Type.Object({
  file: Type.String(),
  /** Line of each top-level key in the file, so the master can point its errors at a line. */
  lines: Type.Optional(Type.Record(Type.String(), Type.Integer())),
  spec: JobSpecSchema,
  hosts: Type.Array(Type.String(), { maxItems: MAX_DEPLOY_HOSTS }),
  goal: Type.Union([Type.Literal('START'), Type.Literal('STOP')]),
  /** Instead of hosts (which are then empty): the deployment group the job is rolled out to. */
  group: Type.Optional(SyncGroupSchema),
  /**
   * Names this entry's content (the file's blob id, plus what the syncer changed in it, such as host
   * aliases), so that the next request can send it by reference while it stays the same.
   */
  digest: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});
export type SyncJob = Static<typeof SyncJobSchema>;

/**
 * An entry unchanged since the source's previous request, sent by file and digest only: for a large
 * repository the request carries just the files that changed. A reference finds only what the same
 * token sent for the source. When the master no longer has it (it restarted, or another request of
 * the source with that token came between) the request is refused whole with
 * SYNC_ENTRY_UNKNOWN, and the syncer sends every entry in full.
 */
export const SyncJobRefSchema = Type.Object({
  file: Type.String(),
  digest: Type.String({ minLength: 1, maxLength: 200 }),
}, { additionalProperties: false });
export type SyncJobRef = Static<typeof SyncJobRefSchema>;

/**
 * What a sync source follows, recorded at its first sync (or its registration): a request of that
 * source from another repository, branch or path is refused with SOURCE_MISMATCH.
 */
export const SyncRegistrationSchema = Type.Object({
  repo: Type.String({ minLength: 1, maxLength: 2000 }),
  branch: Type.String({ minLength: 1, maxLength: 255 }),
  /** Folder of job files in the repository; `''` for the root. */
  path: Type.String({ maxLength: 1000 }),
}, { additionalProperties: false });
export type SyncRegistration = Static<typeof SyncRegistrationSchema>;

export const SyncApplyRequestSchema = Type.Object({
  ...SyncRegistrationSchema.properties,
  commit: Type.String(),
  dryRun: Type.Optional(Type.Boolean()),
  /** Re-point the source at this repository, branch and path (it really moved; needs role admin). */
  adopt: Type.Optional(Type.Boolean()),
  jobs: Type.Array(Type.Union([SyncJobSchema, SyncJobRefSchema]), { maxItems: 100_000 }),
  /** Errors the syncer found reading the commit; any of them refuses the commit whole. */
  errors: Type.Array(FileErrorSchema),
});
export type SyncApplyRequest = Static<typeof SyncApplyRequestSchema>;

export const SyncActionSchema = Type.Object({
  action: Type.Union([Type.Literal('create'), Type.Literal('remove'), Type.Literal('deploy'),
    Type.Literal('undeploy'), Type.Literal('set-goal'),
    Type.Literal('create-group'), Type.Literal('update-group'), Type.Literal('remove-group'), Type.Literal('rolling-update')]),
  /** The job; for a group action, the group's job (or '' for a group without one). */
  jobId: Type.String(),
  /** The deployment group of a group action. */
  group: Type.Optional(Type.String()),
  host: Type.Optional(Type.String()),
  goal: Type.Optional(Type.String()),
  file: Type.Optional(Type.String()),
});
export type SyncAction = Static<typeof SyncActionSchema>;

export const SyncResultSchema = Type.Object({
  state: Type.Union([Type.Literal('APPLIED'), Type.Literal('PLANNED'), Type.Literal('REFUSED')]),
  commit: Type.String(),
  actions: Type.Array(SyncActionSchema),
  errors: Type.Array(FileErrorSchema),
  /**
   * What the commit holds but the master did not apply, without refusing it: a job whose `expires`
   * has passed (`expired at …, not deployed`; it counts as absent). Absent from older masters.
   */
  warnings: Type.Optional(Type.Array(FileErrorSchema)),
});
export type SyncResult = Static<typeof SyncResultSchema>;

/** A rollout of a group that runs one of the source's jobs, as `GET /sync/sources` shows it. */
export interface SyncRollout {
  group: string;
  /** The job the group's latest rollout goes to. */
  jobId: string;
  status: DeploymentGroupStatusName;
  /** Its id in the group's history (`helios deployment-group-status GROUP --history`), or null before any. */
  rolloutId: number | null;
  /** The group's members the rollout has updated (done), of `members`: its progress. */
  updated: number;
  members: number;
  /** The failure, when FAILED. */
  error?: string;
  reverted: boolean;
}

/** How many of a dry run's actions and errors a source keeps for the dashboard (its count says how many there were). */
export const SYNC_PLAN_KEPT = 100;

/**
 * The last dry run of a source's followed repository, branch and path (`helios-syncer --dry-run`): what
 * applying that commit would change, as the master planned it then, or why it would be refused.
 */
export const SyncPlanSchema = Type.Object({
  commit: Type.String(),
  /** When it was planned (ms since the epoch). */
  at: Type.Integer(),
  state: Type.Union([Type.Literal('PLANNED'), Type.Literal('REFUSED')]),
  /** The first SYNC_PLAN_KEPT actions. */
  actions: Type.Array(SyncActionSchema),
  actionCount: Type.Integer(),
  /** The first SYNC_PLAN_KEPT errors of a refused one. */
  errors: Type.Array(FileErrorSchema),
});
export type SyncPlan = Static<typeof SyncPlanSchema>;

export const SyncSourceSchema = Type.Object({
  name: Type.String(),
  repo: Type.String(),
  branch: Type.String(),
  path: Type.String(),
  lastAppliedCommit: Type.Union([Type.String(), Type.Null()]),
  lastAttemptedCommit: Type.Union([Type.String(), Type.Null()]),
  /** REGISTERED: created by an admin, no sync yet. */
  state: Type.Union([Type.Literal('OK'), Type.Literal('ERROR'), Type.Literal('REGISTERED')]),
  errors: Type.Array(FileErrorSchema),
  /** The last attempted commit's warnings (see SyncResult); absent from older masters. */
  warnings: Type.Optional(Type.Array(FileErrorSchema)),
  /** When the last commit was applied (ms since the epoch); null before the first. */
  lastSync: Type.Union([Type.Integer(), Type.Null()]),
  /** When the last commit was tried, applied or refused (ms since the epoch); null before the first. */
  lastAttempt: Type.Union([Type.Integer(), Type.Null()]),
  /** The last dry run, or null before any (absent from older masters). */
  lastPlan: Type.Optional(Type.Union([SyncPlanSchema, Type.Null()])),
});
/** A source as `GET /sync/sources` answers: with the rollouts of the groups its jobs go to (absent from older masters). */
export type SyncSource = Static<typeof SyncSourceSchema> & { rollouts?: SyncRollout[] };
