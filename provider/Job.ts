import * as pulumi from '@pulumi/pulumi';
import type { HealthCheck, PortMapping, Resources } from '../core/schema/job.js';
import type { JobInputs } from './types.js';
import { jobProvider } from './jobProvider.js';

/** Every job field as a Pulumi input. */
export type JobArgs = { [K in keyof JobInputs]: pulumi.Input<JobInputs[K]> };

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

  constructor(name: string, args: JobArgs, opts?: pulumi.CustomResourceOptions) {
    // A fresh props object per resource: the base class adds `__provider` to it.
    super(jobProvider, name, { ...args, jobId: undefined }, opts, 'helios', 'Job');
  }
}
