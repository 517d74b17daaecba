import * as pulumi from '@pulumi/pulumi';
import type { DeploymentGroupInputs, DeploymentGroupOutputs } from './types.js';
import { deploymentGroupProvider } from './deploymentGroupProvider.js';
import { stackOwner } from './ownership.js';

/** The group's inputs (the owner is the running stack, never an argument). */
export type DeploymentGroupArgs = { [K in keyof Omit<DeploymentGroupInputs, 'owner'>]: pulumi.Input<DeploymentGroupInputs[K]> };

/**
 * A deployment group: the hosts whose labels match `hostSelectors`, kept on `job`. A new `job` (a
 * Job's new version) is a rolling update of the group with `rolloutOptions`: `pulumi up` waits for it
 * (`timeoutSeconds`, default 600) and fails with the rollout's error. Another name or other selectors
 * replace the group (its job undeployed first); destroying it undeploys its job from its hosts.
 * @example
 *   const web = new helios.Job('web', { name: 'web', version: '2', image: 'registry.example/web:2' });
 *   new helios.DeploymentGroup('web', { name: 'web', hostSelectors: ['role=web'], job: web.jobId,
 *     rolloutOptions: { parallelism: 2, autoRevert: true } });
 */
export class DeploymentGroup extends pulumi.dynamic.Resource {
  declare public readonly name: pulumi.Output<string>;
  declare public readonly hostSelectors: pulumi.Output<string[]>;
  declare public readonly job: pulumi.Output<string | undefined>;
  declare public readonly rolloutOptions: pulumi.Output<DeploymentGroupInputs['rolloutOptions']>;
  declare public readonly timeoutSeconds: pulumi.Output<number>;
  declare public readonly owner: pulumi.Output<string>;
  /** ROLLING_OUT, ACTIVE, FAILED or IDLE when last seen. */
  declare public readonly status: pulumi.Output<DeploymentGroupOutputs['status']>;
  /** The group's last rollout (helios deployment-group-status NAME --history). */
  declare public readonly rolloutId: pulumi.Output<number | null>;
  /** The UP hosts running the group's job when last seen. */
  declare public readonly hosts: pulumi.Output<string[]>;

  constructor(name: string, args: DeploymentGroupArgs, opts?: pulumi.CustomResourceOptions) {
    const owner = stackOwner(pulumi.getProject(), pulumi.getStack());
    super(deploymentGroupProvider, name, { ...args, owner, status: undefined, rolloutId: undefined, hosts: undefined }, opts, 'helios', 'DeploymentGroup');
  }
}
