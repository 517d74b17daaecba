import type { DockerAdapter } from '../docker/dockerAdapter.js';
import { isDockerError, type DockerError } from '../docker/errors.js';

/** The image cannot be had: the task is throttled (IMAGE_MISSING or IMAGE_PULL_FAILED). */
export class TaskSetbackError extends Error {
  override name = 'TaskSetbackError';
  constructor(readonly kind: 'imageMissing' | 'imagePullFailed', message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Pulls the image; resolves with the pull's error, or null when it worked. A failed pull is not an error
 * yet (the image may be present locally: the caller finds out); Docker itself being away is thrown.
 */
export async function tryPull(docker: Pick<DockerAdapter, 'pull'>, image: string): Promise<DockerError | null> {
  try {
    await docker.pull(image);
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
