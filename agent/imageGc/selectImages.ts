/**
 * Which images a garbage collection pass removes (pure). An image is kept when any container (of any
 * kind, running or stopped) was made from it, when a task desired on this agent names it, while it has
 * been unused for less than the grace period, and when it is among the `keep` most recent unused images
 * of its repository (for a fast rollback). Without `all`, only images the agent pulled are considered,
 * and only the references it pulled are removed: a tag someone else put on the same image stays (so
 * the image does too).
 */
import { normalizeImage } from '../../core/index.js';

/** One image on the engine, as listed. */
export interface EngineImage {
  id: string;
  /** `repo:tag` references (`<none>:<none>` left out). */
  tags: string[];
  /** `repo@sha256:…` references. */
  digests: string[];
  /** Seconds since the epoch (when it was built). */
  created: number;
}

/** What the agent recorded of an image it pulled (pulledImages.ts). */
export interface PulledRecord {
  /** The references the agent pulled that gave this image. */
  refs: string[];
  /** ms since the epoch of the last such pull. */
  pulledAt: number;
}

export interface GcInput {
  images: EngineImage[];
  /** Image ids of every container on the engine, any agent's or none's, running or not. */
  containerImageIds: Set<string>;
  /** The image references of the tasks desired on this agent. */
  desiredImages: string[];
  pulled: Record<string, PulledRecord>;
  /** ms since the epoch an image was last seen in use, or first seen at all (this process's memory). */
  lastUsed: Map<string, number>;
  now: number;
  graceMs: number;
  keep: number;
  /** Consider every image on the engine, not only those the agent pulled (`--image-gc-all`). */
  all: boolean;
}

export interface Removal {
  id: string;
  /** The references to remove (untag); none: the image is removed by id (it has no tag left). */
  refs: string[];
  repository: string;
  /** How long it has been unused, in ms. */
  unusedMs: number;
}

export interface GcSelection {
  remove: Removal[];
  /** `lastUsed` for the next pass: images in use now, first sightings added, images gone dropped. */
  lastUsed: Map<string, number>;
}

/** `docker.io/library/busybox:latest` → `docker.io/library/busybox`; unparsable → as given. */
export function repositoryOf(ref: string): string {
  const normal = safeNormal(ref);
  const at = normal.indexOf('@');
  const name = at >= 0 ? normal.slice(0, at) : normal;
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
}

export function selectImages(input: GcInput): GcSelection {
  const { now } = input;
  const desired = new Set(input.desiredImages.map(safeNormal));
  const lastUsed = new Map<string, number>();
  const candidates: Array<Removal & { recency: number }> = [];
  for (const image of input.images) {
    const inUse = input.containerImageIds.has(image.id) || [...image.tags, ...image.digests].some((r) => desired.has(safeNormal(r)));
    const seen = inUse ? now : input.lastUsed.get(image.id) ?? now;
    lastUsed.set(image.id, seen);
    const record = input.pulled[image.id];
    if (inUse || (!record && !input.all)) continue;
    const ours = input.all ? image.tags : image.tags.filter((tag) => record!.refs.some((ref) => safeNormal(ref) === safeNormal(tag)));
    // Tagged, but by none of the references the agent pulled: another's name keeps it.
    if (image.tags.length > 0 && ours.length === 0) continue;
    const named = ours[0] ?? record?.refs[0] ?? image.digests[0];
    candidates.push({
      id: image.id,
      refs: ours,
      repository: named ? repositoryOf(named) : image.id,
      unusedMs: now - Math.max(seen, record?.pulledAt ?? 0),
      recency: record?.pulledAt ?? image.created * 1_000,
    });
  }
  const byRepository = new Map<string, typeof candidates>();
  for (const c of candidates) byRepository.set(c.repository, [...byRepository.get(c.repository) ?? [], c]);
  const remove: Removal[] = [];
  for (const group of byRepository.values()) {
    group.sort((a, b) => b.recency - a.recency || a.id.localeCompare(b.id));
    for (const { recency: _recency, ...c } of group.slice(input.keep)) if (c.unusedMs >= input.graceMs) remove.push(c);
  }
  return { remove, lastUsed };
}

function safeNormal(ref: string): string {
  try {
    return normalizeImage(ref);
  } catch {
    return ref;
  }
}
