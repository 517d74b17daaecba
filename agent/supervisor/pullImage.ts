import type { Logger } from 'pino';
import type { DockerAdapter } from '../docker/dockerAdapter.js';
import { isDockerError } from '../docker/errors.js';

/** The image cannot be had: the task is throttled (IMAGE_MISSING or IMAGE_PULL_FAILED). */
export class TaskSetbackError extends Error {
  override name = 'TaskSetbackError';
  constructor(readonly kind: 'imageMissing' | 'imagePullFailed', message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * PULLING_IMAGE: try the registry; a failed pull is fine when the image is present locally (Helios).
 * With policy `missing` the registry is asked only when the engine lacks the image.
 */
export async function pullImage(docker: DockerAdapter, image: string, policy: 'always' | 'missing', log: Logger): Promise<void> {
  if (policy === 'missing' && (await docker.imageExists(image))) return;
  try {
    await docker.pull(image);
  } catch (err) {
    if (isDockerError(err, 'DOCKER_UNAVAILABLE')) throw err;
    if (await docker.imageExists(image)) {
      log.debug({ image, err }, 'pull failed, using the local image');
      return;
    }
    const missing = isDockerError(err, 'IMAGE_NOT_FOUND');
    throw new TaskSetbackError(missing ? 'imageMissing' : 'imagePullFailed',
      `${missing ? 'image not found' : 'image pull failed'}: ${image}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
