import type { Logger } from 'pino';
import { isHeliosError, type RegistryAuthAnswer } from '../../core/index.js';
import { findRegistryAuth, type RegistryAuth } from './registryAuth.js';

export interface PullCredentialsDeps {
  /** The master's answer for this job's pull (GET /agents/:host/registry-auth). */
  fromMaster(jobId: string): Promise<RegistryAuthAnswer>;
  /** --docker-config. */
  dockerConfig: string;
  log: Logger;
}

/**
 * A pull's credentials: the master's account for the job's image (master-held credentials, handed
 * over for this pull only and never kept), else the agent's docker config. A master that cannot be
 * asked (away, or older than the endpoint) leaves the docker config; an account the job names but the
 * master lacks, or cannot open, fails the pull with the master's reason, as anything else would hide it.
 */
export async function pullCredentials(deps: PullCredentialsDeps, image: string, jobId: string): Promise<RegistryAuth | undefined> {
  let answer: RegistryAuthAnswer | undefined;
  try {
    answer = await deps.fromMaster(jobId);
  } catch (err) {
    if (isHeliosError(err, 'REGISTRY_ACCOUNT_NOT_FOUND') || isHeliosError(err, 'SECRETS_UNAVAILABLE')) throw err;
    deps.log.warn({ err, image, jobId }, 'the master gave no registry credentials, using --docker-config');
  }
  if (answer?.auth) {
    deps.log.debug({ image, jobId, credentials: `master account ${answer.account}` }, 'pull credentials');
    return answer.auth;
  }
  const found = await findRegistryAuth(image, deps.dockerConfig);
  deps.log.debug({ image, jobId, credentials: found.auth ? found.source : 'none' }, 'pull credentials');
  return found.auth;
}
