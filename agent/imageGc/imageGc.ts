/**
 * Image garbage collection: a periodic pass, level-triggered and idempotent. Each pass lists the
 * engine's images and every container's image, lets `selectImages` choose, and removes what it chose
 * with `docker rmi` without force, so a container made between the listing and the removal still
 * keeps its image (the engine refuses). Each removal is logged; a refused one is a warning and is
 * tried again at the next pass.
 */
import type { Logger } from 'pino';
import type { DockerAdapter } from '../docker/dockerAdapter.js';
import { isDockerError } from '../docker/errors.js';
import type { PulledImages } from './pulledImages.js';
import { selectImages } from './selectImages.js';

export interface ImageGcOptions {
  /** Time between passes; 0 turns the collection off (`--image-gc-interval`). */
  intervalMs: number;
  /** How long an image must have been unused (and since pulled) before it goes (`--image-gc-grace`). */
  graceMs: number;
  /** Unused images kept per repository, the most recently pulled first (`--image-gc-keep`). */
  keep: number;
  /** Every image on the engine, not only those this agent pulled (`--image-gc-all`). */
  all: boolean;
}

export const DEFAULT_IMAGE_GC: ImageGcOptions = { intervalMs: 300_000, graceMs: 3_600_000, keep: 2, all: false };

export interface ImageGcDeps {
  docker: Pick<DockerAdapter, 'listImages' | 'containerImageIds' | 'removeImage'>;
  pulled: PulledImages;
  /** The images of the tasks desired on this agent now. */
  desiredImages(): string[];
  options: ImageGcOptions;
  log: Logger;
}

export interface ImageGc {
  /** One pass now (the timer's passes never overlap with it). */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

export function startImageGc(deps: ImageGcDeps): ImageGc {
  const { docker, pulled, options, log } = deps;
  let lastUsed = new Map<string, number>();
  let running: Promise<void> = Promise.resolve();

  async function pass(): Promise<void> {
    const [images, containerImageIds] = await Promise.all([docker.listImages(), docker.containerImageIds()]);
    const selection = selectImages({
      images, containerImageIds, desiredImages: deps.desiredImages(), pulled: pulled.get(), lastUsed,
      now: Date.now(), graceMs: options.graceMs, keep: options.keep, all: options.all,
    });
    lastUsed = selection.lastUsed;
    for (const image of selection.remove) {
      try {
        for (const ref of image.refs) await docker.removeImage(ref);
        if (image.refs.length === 0) await docker.removeImage(image.id);
        log.info({ image: image.id, refs: image.refs, repository: image.repository, unusedS: Math.round(image.unusedMs / 1_000) },
          `removed unused image ${image.refs.join(', ') || image.id}`);
      } catch (err) {
        if (isDockerError(err, 'DOCKER_UNAVAILABLE')) throw err;
        log.warn({ err, image: image.id, refs: image.refs }, `could not remove unused image ${image.refs.join(', ') || image.id}, trying at the next pass`);
      }
    }
    const present = new Set(images.map((i) => i.id));
    await pulled.forget(Object.keys(pulled.get()).filter((id) => !present.has(id)));
  }

  const runOnce = () => {
    running = running.then(pass).catch((err: unknown) => log.debug({ err }, 'image garbage collection pass failed'));
    return running;
  };
  const timer = options.intervalMs > 0 ? setInterval(() => void runOnce(), options.intervalMs) : undefined;
  timer?.unref();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
