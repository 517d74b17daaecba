/**
 * The images this agent pulled, in `pulled-images.json` of its state dir: a pulled image carries no mark
 * of who pulled it (labels are the image's own), so without this record an agent restarted could not
 * tell its images from the operator's. Keyed by image id: a tag pulled again onto a new image leaves
 * the old id recorded, and that image, now untagged, is collected too.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { DockerAdapter } from '../docker/dockerAdapter.js';
import { writeAtomically } from '../state/stateStore.js';
import type { PulledRecord } from './selectImages.js';

const FILE = 'pulled-images.json';

const PulledFileSchema = Type.Object({
  images: Type.Record(Type.String(), Type.Object({ refs: Type.Array(Type.String()), pulledAt: Type.Number() })),
});

export interface PulledImages {
  get(): Record<string, PulledRecord>;
  /** Records that pulling `ref` gave image `id` (written before it resolves). */
  record(id: string, ref: string, at?: number): Promise<void>;
  /** Forgets images no longer on the engine. */
  forget(ids: string[]): Promise<void>;
}

/**
 * Opens the record in `dir` (the agent's state dir). A file that cannot be read as one is reported and
 * replaced by an empty record: its images are then the operator's, kept, never removed by mistake.
 */
export async function openPulledImages(dir: string, onCorrupt: (err: unknown) => void): Promise<PulledImages> {
  const path = join(dir, FILE);
  let images: Record<string, PulledRecord> = {};
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (text !== undefined) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (!Value.Check(PulledFileSchema, parsed)) throw new Error(`${path}: ${Value.Errors(PulledFileSchema, parsed).First()?.message ?? 'not a record of pulled images'}`);
      images = parsed.images;
    } catch (err) {
      onCorrupt(err);
    }
  }
  let last: Promise<void> = Promise.resolve();
  const save = () => {
    const content = JSON.stringify({ images });
    last = last.catch(() => {}).then(() => writeAtomically(dir, path, content));
    return last;
  };
  return {
    get: () => images,
    record(id, ref, at = Date.now()) {
      const refs = images[id]?.refs ?? [];
      images = { ...images, [id]: { refs: refs.includes(ref) ? refs : [...refs, ref], pulledAt: at } };
      return save();
    },
    forget(ids) {
      if (!ids.some((id) => Object.hasOwn(images, id))) return Promise.resolve();
      images = Object.fromEntries(Object.entries(images).filter(([id]) => !ids.includes(id)));
      return save();
    },
  };
}

/**
 * The adapter with `pull` recording each image it pulls. A record that cannot be written leaves the
 * image unrecorded (kept, as the operator's) and is a warning; the pull itself has worked.
 */
export function recordingPulls<D extends Pick<DockerAdapter, 'pull' | 'imageId'>>(docker: D, pulled: PulledImages, log: Logger): D {
  return {
    ...docker,
    async pull(ref, o) {
      await docker.pull(ref, o);
      try {
        await pulled.record(await docker.imageId(ref), ref);
      } catch (err) {
        log.warn({ err, image: ref }, 'could not record a pulled image: it will not be garbage collected');
      }
    },
  };
}
