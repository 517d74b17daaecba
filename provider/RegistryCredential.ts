import * as pulumi from '@pulumi/pulumi';
import type { RegistryCredentialInputs, RegistryCredentialOutputs } from './types.js';
import { registryCredentialProvider } from './registryCredentialProvider.js';
import { stackOwner } from './ownership.js';

/** The account's inputs (the owner is the running stack, never an argument). */
export type RegistryCredentialArgs = { [K in keyof Omit<RegistryCredentialInputs, 'owner'>]: pulumi.Input<RegistryCredentialInputs[K]> };

/**
 * A registry account the master holds for its agents (`helios registry login`, an admin token's),
 * so agents with no docker config pull a job's private image with it; a job names it in
 * `registryAuth`, or the registry's only account is used. The password is made a Pulumi secret here
 * (state keeps inputs encrypted) and is not among the outputs; a changed password logs in again.
 * @example
 *   new helios.RegistryCredential('team', { host: 'registry.example.com', username: 'ci',
 *     password: new pulumi.Config().requireSecret('registryPassword') });
 */
export class RegistryCredential extends pulumi.dynamic.Resource {
  /** The account name (the resource id), what a job's `registryAuth` names. */
  declare public readonly name: pulumi.Output<string>;
  declare public readonly host: pulumi.Output<string>;
  declare public readonly username: pulumi.Output<string>;
  declare public readonly owner: pulumi.Output<string>;
  /** A salted scrypt digest of the password: tells a rotation, never shows it. */
  declare public readonly passwordDigest: pulumi.Output<string>;
  declare public readonly created: pulumi.Output<RegistryCredentialOutputs['created']>;
  declare public readonly updated: pulumi.Output<RegistryCredentialOutputs['updated']>;

  constructor(name: string, args: RegistryCredentialArgs, opts?: pulumi.CustomResourceOptions) {
    const owner = stackOwner(pulumi.getProject(), pulumi.getStack());
    const password = args.password === undefined ? undefined : pulumi.secret(args.password);
    super(registryCredentialProvider, name, { ...args, password, owner, passwordDigest: undefined, created: undefined, updated: undefined },
      { ...opts, additionalSecretOutputs: [...opts?.additionalSecretOutputs ?? [], 'password', 'passwordDigest'] }, 'helios', 'RegistryCredential');
  }
}
