import type { DockerAdapter } from '../docker/dockerAdapter.js';
import { DockerError, isDockerError } from '../docker/errors.js';
import type { PullProgress } from '../../core/index.js';
import { createPullProgress, type PullEvent } from '../docker/pullProgress.js';
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

/** Least time between two progress reports of one pull (the master records each as the task's status). */
export const PULL_PROGRESS_INTERVAL_MS = 1_000;

export interface PullDeps {
  docker: Pick<DockerAdapter, 'pull'>;
  credentials: CredentialsFor;
  /** The pull's progress: at once when the first layer is seen, then at most every PULL_PROGRESS_INTERVAL_MS. */
  onProgress?(progress: PullProgress): void;
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
  const progress = createPullProgress();
  let reportedAt = -Infinity;
  const onEvent = o.onProgress && ((event: PullEvent) => {
    if (!progress.add(event) || Date.now() - reportedAt < PULL_PROGRESS_INTERVAL_MS) return;
    reportedAt = Date.now();
    o.onProgress?.(progress.snapshot()!);
  });
  try {
    await o.docker.pull(image, { auth, ...(onEvent && { onEvent }) });
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
