/**
 * When to ask the registry for a task's image (`--pull`):
 *  - `always`: on every (re)creation, as Helios does; a failed pull is fine when the image is present locally;
 *  - `missing`: only when the engine does not have the image;
 *  - `auto` (the default, as Kubernetes' default `imagePullPolicy`): `always` for `:latest` and untagged
 *    references (they move), `missing` for any other tag and for digests (`@sha256:…`).
 */
export type PullPolicy = 'always' | 'missing' | 'auto';

export const PULL_POLICIES: readonly PullPolicy[] = ['always', 'missing', 'auto'];

export function isPullPolicy(value: unknown): value is PullPolicy {
  return typeof value === 'string' && (PULL_POLICIES as readonly string[]).includes(value);
}

/**
 * The tag of an image reference, or null when it has none. A `:` before the last `/` belongs to the
 * registry's host (`127.0.0.1:5000/app`), not to a tag.
 * @example imageTag('127.0.0.1:5000/app:1.2') // '1.2'; imageTag('busybox') // null
 */
export function imageTag(ref: string): string | null {
  const name = ref.split('@')[0];
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(colon + 1) : null;
}

/** True when the registry is asked before creating the container; false: only if the image is missing. */
export function pullsFirst(policy: PullPolicy, ref: string): boolean {
  if (policy !== 'auto') return policy === 'always';
  if (ref.includes('@')) return false;
  const tag = imageTag(ref);
  return tag === null || tag === 'latest';
}
