import * as pulumi from '@pulumi/pulumi';
import type { PortMapping } from '../core/schema/job.js';
import type { DeploymentGoal, DeploymentInputs, DeploymentOutputs } from './types.js';
import { deploymentProvider } from './deploymentProvider.js';

export type DeploymentArgs = { [K in keyof DeploymentInputs]: pulumi.Input<DeploymentInputs[K]> };

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
    super(deploymentProvider, name, { ...args, ...outputsOnly }, opts, 'helios', 'Deployment');
  }
}
