import * as pulumi from '@pulumi/pulumi';
import type { HealthCheck, PortMapping, Resources } from '../core/schema/job.js';
import type { JobInputs } from './types.js';
import { jobProvider } from './jobProvider.js';
import { stackOwner } from './ownership.js';

/** Every job field as a Pulumi input (the owner is the running stack, never an argument). */
export type JobArgs = { [K in keyof Omit<JobInputs, 'owner'>]: pulumi.Input<JobInputs[K]> };

type Out<K extends keyof JobInputs> = pulumi.Output<JobInputs[K]>;

/**
 * A Helios job. Jobs are immutable on the master: any change to a field replaces the job (new
 * `jobId`), except image spellings that mean the same image (`busybox` = `docker.io/library/busybox:latest`).
 */
export class Job extends pulumi.dynamic.Resource {
  /** The full id the master computed, `name:version:hash`; give it to a `Deployment`. */
  declare public readonly jobId: pulumi.Output<string>;
  declare public readonly name: Out<'name'>;
  declare public readonly version: Out<'version'>;
  declare public readonly image: Out<'image'>;
  declare public readonly hostname: Out<'hostname'>;
  declare public readonly command: Out<'command'>;
  declare public readonly env: Out<'env'>;
  declare public readonly resources: pulumi.Output<Resources | undefined>;
  declare public readonly ports: pulumi.Output<Record<string, PortMapping> | undefined>;
  declare public readonly registration: Out<'registration'>;
  declare public readonly registrationDomain: Out<'registrationDomain'>;
  declare public readonly gracePeriod: Out<'gracePeriod'>;
  declare public readonly volumes: Out<'volumes'>;
  declare public readonly expires: Out<'expires'>;
  declare public readonly token: Out<'token'>;
  declare public readonly healthCheck: pulumi.Output<HealthCheck | undefined>;
  declare public readonly securityOpt: Out<'securityOpt'>;
  declare public readonly networkMode: Out<'networkMode'>;
  declare public readonly metadata: Out<'metadata'>;
  declare public readonly addCapabilities: Out<'addCapabilities'>;
  declare public readonly dropCapabilities: Out<'dropCapabilities'>;
  declare public readonly labels: Out<'labels'>;
  declare public readonly secondsToWaitBeforeKill: Out<'secondsToWaitBeforeKill'>;
  declare public readonly ramdisks: Out<'ramdisks'>;
  declare public readonly rolloutOptions: Out<'rolloutOptions'>;
  declare public readonly runtime: Out<'runtime'>;
  /** `pulumi:<project>/<stack>`: the stack that owns the job on the master. */
  declare public readonly owner: pulumi.Output<string>;

  constructor(name: string, args: JobArgs, opts?: pulumi.CustomResourceOptions) {
    // A fresh props object per resource: the base class adds `__provider` to it. The owner is an input,
    // so the provider (rebuilt from text in another process) and the state both know the stack.
    const owner = stackOwner(pulumi.getProject(), pulumi.getStack());
    super(jobProvider, name, { ...args, owner, jobId: undefined }, opts, 'helios', 'Job');
  }
}
