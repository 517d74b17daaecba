import * as pulumi from '@pulumi/pulumi';
import type { PortMapping } from '../core/schema/job.js';
import type { DeploymentGoal, DeploymentInputs, DeploymentOutputs } from './types.js';
import { deploymentProvider } from './deploymentProvider.js';
import { stackOwner } from './ownership.js';

/** The deployment's inputs (the owner is the running stack, never an argument). */
export type DeploymentArgs = { [K in keyof Omit<DeploymentInputs, 'owner'>]: pulumi.Input<DeploymentInputs[K]> };

/**
 * A job deployed on one agent host. With goal START (the default) `pulumi up` waits until the task is
 * RUNNING, or fails after `timeoutSeconds` (default 120) naming the task's last state, throttle and
 * container error. Changing the goal updates in place; changing the job or host replaces it.
 */
export class Deployment extends pulumi.dynamic.Resource {
  declare public readonly job: pulumi.Output<string>;
  declare public readonly host: pulumi.Output<string>;
  declare public readonly goal: pulumi.Output<DeploymentGoal>;
  declare public readonly token: pulumi.Output<string | undefined>;
  declare public readonly timeoutSeconds: pulumi.Output<number>;
  /** `pulumi:<project>/<stack>`: the stack that owns the deployment on the master. */
  declare public readonly owner: pulumi.Output<string>;
  /** The full id of the deployed job. */
  declare public readonly jobId: pulumi.Output<string>;
  declare public readonly staticExternalPorts: pulumi.Output<number[]>;
  /** The task state when last seen (create, update or refresh). */
  declare public readonly state: pulumi.Output<DeploymentOutputs['state']>;
  declare public readonly containerId: pulumi.Output<string | null>;
  /** The job's ports with the external ports the agent bound. */
  declare public readonly ports: pulumi.Output<Record<string, PortMapping>>;

  constructor(name: string, args: DeploymentArgs, opts?: pulumi.CustomResourceOptions) {
    const outputsOnly = { jobId: undefined, staticExternalPorts: undefined, state: undefined, containerId: undefined, ports: undefined };
    const owner = stackOwner(pulumi.getProject(), pulumi.getStack());
    super(deploymentProvider, name, { ...args, owner, ...outputsOnly }, opts, 'helios', 'Deployment');
  }
}
