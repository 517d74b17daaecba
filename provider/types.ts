import type { JobSpec } from '../core/schema/job.js';
import type { RolloutOptions } from '../core/model/rolloutOptions.js';
import type { DeploymentGroupStatusName } from '../core/schema/deploymentGroup.js';
import type { PortMapping } from '../core/schema/job.js';
import type { TaskState } from '../core/schema/status.js';

/**
 * `pulumi:<project>/<stack>`: the stack a resource belongs to, set by the resource classes from the
 * running program (not an argument). Absent in the state of resources made before stacks owned them.
 */
export interface StackOwned {
  owner?: string;
}

/** Every job field (core's JobSpec) with `name` and `version` required and no `id`, and the owning stack. */
export type JobInputs = Omit<JobSpec, 'id' | 'name' | 'version'> & { name: string; version: string } & StackOwned;

/** What a Job stores in Pulumi state: its inputs plus the full id the master computed. */
export type JobOutputs = JobInputs & { jobId: string };

/** START runs the task; STOP keeps the deployment with its container stopped. */
export type DeploymentGoal = 'START' | 'STOP';

export interface DeploymentInputs extends StackOwned {
  /** A job id, `name:version:hash` (a Job's `jobId`). */
  job: string;
  /** The agent's host name. */
  host: string;
  /** Default START. */
  goal?: DeploymentGoal;
  /** The job's token, when it has one. */
  token?: string;
  /** How long create/update wait for RUNNING (goal START) before failing; default 120. */
  timeoutSeconds?: number;
}

export interface DeploymentOutputs extends DeploymentInputs {
  goal: DeploymentGoal;
  timeoutSeconds: number;
  /** The full id of the deployed job. */
  jobId: string;
  /** Static external ports of the job (they make a replacement delete-before-create). */
  staticExternalPorts: number[];
  /** The task's state when last seen (after create/update/refresh), or NONE before the agent reports. */
  state: TaskState | 'NONE';
  containerId: string | null;
  /** The job's ports with the external ports the agent bound. */
  ports: Record<string, PortMapping>;
}

/**
 * A registry account of the master (`helios registry login`). The password is a Pulumi secret, or
 * comes from the stack config `helios:registryPasswords` (a secret JSON map of account name to password).
 */
export interface RegistryCredentialInputs extends StackOwned {
  /** The registry, `host[:port]` (`docker.io` for Docker Hub). */
  host: string;
  username: string;
  /** The password or token; absent: `helios:registryPasswords[name]`. Never stored by the provider. */
  password?: string;
  /** The account name jobs' `registryAuth` names; default the host. */
  name?: string;
}

/** What the state holds: no password, only a salted scrypt digest of it, to see it rotated. */
export interface RegistryCredentialOutputs extends Omit<RegistryCredentialInputs, 'password'> {
  name: string;
  passwordDigest: string;
  /** ms since the epoch: the account's first login, and the last one (the secret's age). */
  created: number;
  updated: number;
}

/**
 * A deployment group (`helios create-deployment-group`): the hosts whose labels match its selectors,
 * kept on its job; a new `job` is a rolling update of the group, which `pulumi up` waits for.
 */
export interface DeploymentGroupInputs extends StackOwned {
  /** The group's name: letters, digits, `.`, `_`, `-`. */
  name: string;
  /** Host selectors as the CLI takes them: `role=web`, `zone in (a, b)`, `tier != db`. */
  hostSelectors: string[];
  /** A job id (a Job's `jobId`); each new one rolls the group out to it. Absent: the group has no job yet. */
  job?: string;
  /** The rolling update's options (before the job's rolloutOptions and the defaults). */
  rolloutOptions?: RolloutOptions;
  /** How long create/update wait for the rollout to end before failing; default 600. */
  timeoutSeconds?: number;
}

export interface DeploymentGroupOutputs extends DeploymentGroupInputs {
  timeoutSeconds: number;
  /** ROLLING_OUT, ACTIVE, FAILED or IDLE (no job) when last seen. */
  status: DeploymentGroupStatusName;
  /** The group's last rollout (its history id), or null. */
  rolloutId: number | null;
  /** The group's UP hosts running its job when last seen, in group order. */
  hosts: string[];
}
