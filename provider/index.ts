/**
 * Helios jobs and deployments as Pulumi resources (dynamic providers talking to the master's API).
 * @example
 *   import * as helios from 'helios/provider';
 *   const web = new helios.Job('web', { name: 'web', version: '1', image: 'busybox:latest',
 *     command: ['httpd', '-f', '-p', '8080'], ports: { http: { internalPort: 8080 } } });
 *   new helios.Deployment('web-on-a', { job: web.jobId, host: 'agent-1' });
 *
 * The master comes from stack config `helios:master` (and `helios:token`, set it with --secret), else
 * HELIOS_MASTER / HELIOS_TOKEN, else http://127.0.0.1:5801. For HTTPS: `helios:ca`, `helios:cert`,
 * `helios:key` (PEM texts or file paths; else HELIOS_CA, HELIOS_CERT, HELIOS_KEY). What a stack makes
 * is owned `pulumi:<project>/<stack>`; other stacks' resources are refused (STACK_OWNED).
 * `RegistryCredential` is a registry account of the master, its password a secret (or the stack
 * config `helios:registryPasswords`). `DeploymentGroup` rolls a job out over labelled hosts: a new job
 * version is a rolling update that `pulumi up` waits for.
 */
export { Job, type JobArgs } from './Job.js';
export { Deployment, type DeploymentArgs } from './Deployment.js';
export { RegistryCredential, type RegistryCredentialArgs } from './RegistryCredential.js';
export { DeploymentGroup, type DeploymentGroupArgs } from './DeploymentGroup.js';
export type { JobInputs, JobOutputs, DeploymentInputs, DeploymentOutputs, DeploymentGoal, RegistryCredentialInputs, RegistryCredentialOutputs,
  DeploymentGroupInputs, DeploymentGroupOutputs } from './types.js';
export { jobProvider, createJobProvider } from './jobProvider.js';
export { deploymentProvider, createDeploymentProvider, DEFAULT_TIMEOUT_SECONDS } from './deploymentProvider.js';
export { registryCredentialProvider, createRegistryCredentialProvider } from './registryCredentialProvider.js';
export { deploymentGroupProvider, createDeploymentGroupProvider, DEFAULT_ROLLOUT_WAIT_SECONDS } from './deploymentGroupProvider.js';
export { UNKNOWN } from './unknowns.js';
