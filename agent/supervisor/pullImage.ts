import type { DockerAdapter } from '../docker/dockerAdapter.js';
import { DockerError, isDockerError } from '../docker/errors.js';
import type { RegistryAuth } from '../registry/registryAuth.js';

/** The image cannot be had: the task is throttled (IMAGE_MISSING or IMAGE_PULL_FAILED). */
export class TaskSetbackError extends Error {
  override name = 'TaskSetbackError';
  constructor(readonly kind: 'imageMissing' | 'imagePullFailed', message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The credentials for pulling an image (undefined: anonymous), found again for every pull. */
export type CredentialsFor = (image: string) => Promise<RegistryAuth | undefined>;

export interface PullDeps {
  docker: Pick<DockerAdapter, 'pull'>;
  credentials: CredentialsFor;
}

/**
 * Pulls the image; resolves with the pull's error, or null when it worked. A failed pull is not an error
 * yet (the image may be present locally: the caller finds out); Docker itself being away is thrown.
 * Credentials that cannot be had (a helper that fails, a broken docker config) fail the pull.
 */
export async function tryPull(o: PullDeps, image: string): Promise<DockerError | null> {
  let auth: RegistryAuth | undefined;
  try {
    auth = await o.credentials(image);
  } catch (err) {
    return new DockerError('IMAGE_PULL_FAILED', err instanceof Error ? err.message : String(err), { op: `pull ${image}` }, { cause: err });
  }
  try {
    await o.docker.pull(image, { auth });
    return null;
  } catch (err) {
    if (isDockerError(err, 'DOCKER_UNAVAILABLE')) throw err;
    return err as DockerError;
  }
}

/** The setback of a pull that failed for an image the engine does not have either. */
export function imageSetback(image: string, err: unknown): TaskSetbackError {
  const missing = isDockerError(err, 'IMAGE_NOT_FOUND');
  return new TaskSetbackError(missing ? 'imageMissing' : 'imagePullFailed',
    `${missing ? 'image not found' : 'image pull failed'}: ${image}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}
