import type { ContainerCreateOptions } from 'dockerode';
import type { PullProgress } from '../../core/index.js';
import type { Logger } from 'pino';
import type { DockerAdapter } from '../docker/dockerAdapter.js';
import { isDockerError } from '../docker/errors.js';
import { imageSetback, tryPull, type CredentialsFor } from './pullImage.js';
import { pullsFirst, type PullPolicy } from './pullPolicy.js';

export interface CreateWithImageOptions {
  docker: Pick<DockerAdapter, 'pull' | 'create'>;
  credentials: CredentialsFor;
  image: string;
  policy: PullPolicy;
  /** The create options; asked for once, after CREATING is reported (ports are decided there). */
  spec(): Promise<ContainerCreateOptions>;
  onState(state: 'PULLING_IMAGE' | 'CREATING'): void;
  /** A pull's progress, while PULLING_IMAGE. */
  onProgress?(progress: PullProgress): void;
  log: Logger;
}

/**
 * PULLING_IMAGE → CREATING → a container id, in as few Docker round trips as the pull policy allows;
 * no separate image inspect, the create itself says whether the engine has the image:
 *  - policy wants the registry asked first: pull; a failed pull is fine when the create then finds the
 *    image locally (Helios), else the pull's error throttles the task (IMAGE_MISSING / IMAGE_PULL_FAILED);
 *  - otherwise: create at once, and only when Docker answers "no such image", pull and create again
 *    (what `docker run` does).
 * Throws the create's own errors (NAME_CONFLICT, PORT_IN_USE, …) untouched.
 */
export async function createWithImage(o: CreateWithImageOptions): Promise<string> {
  o.onState('PULLING_IMAGE');
  const pulledFirst = pullsFirst(o.policy, o.image);
  const pullError = pulledFirst ? await tryPull(o, o.image) : null;
  if (pullError) o.log.debug({ image: o.image, err: pullError }, 'pull failed, trying the local image');
  o.onState('CREATING');
  const spec = await o.spec();
  try {
    return await o.docker.create(spec);
  } catch (err) {
    if (!isDockerError(err, 'IMAGE_NOT_FOUND')) throw err;
    if (pulledFirst) throw pullError ? imageSetback(o.image, pullError) : err;
  }
  o.onState('PULLING_IMAGE');
  const error = await tryPull(o, o.image);
  if (error) throw imageSetback(o.image, error);
  o.onState('CREATING');
  return o.docker.create(spec);
}
