/**
 * Size limits every way in holds a job to. The master enforces them (its `--max-job-bytes` may raise
 * or lower the job cap); the syncer checks each entry against the defaults before sending, so that a
 * file over them is a file error of its own rather than a refused request.
 */

/**
 * Default of the master's `--max-job-bytes`: the most a job spec may weigh as JSON (UTF-8 bytes),
 * env and metadata included. Kubernetes caps an object at 1.5 MiB; a job is much smaller.
 */
export const DEFAULT_MAX_JOB_BYTES = 256 * 1024;

/** The most hosts one job file's `deploy.hosts` (one sync entry's `hosts`) may list. */
export const MAX_DEPLOY_HOSTS = 10_000;

/** The most entries (job files) one sync request may carry (the schema's `maxItems` on `jobs`). */
export const MAX_SYNC_ENTRIES = 100_000;

/** Default of the master's `--max-sync-bytes`: the most a sync request's body may weigh. */
export const DEFAULT_MAX_SYNC_BYTES = 64 * 1024 * 1024;

/**
 * What a job spec weighs against `--max-job-bytes`: the UTF-8 length of its JSON. Throws RangeError
 * for a value nested too deeply to serialize.
 * @example jobBytes({ name: 'web', env: { A: 'é' } }) // → 31
 */
export const jobBytes = (spec: unknown): number => Buffer.byteLength(JSON.stringify(spec) ?? '');

/**
 * The deepest a job spec (or a job file's value) may nest objects and arrays. A valid job nests 4
 * levels at most (`ports.http.internalPort`); JSON.stringify and yaml's parser recurse and overflow
 * the stack near 6,000, so the syncer refuses a file past this before building or sending it.
 */
export const MAX_JOB_DEPTH = 32;

/**
 * The keys no JSON body may carry, anywhere: `__proto__`, and `constructor` holding a `prototype`
 * (they could poison objects built from the body). The master refuses a body with one; the syncer
 * refuses the file, so that one file never refuses every other file's commit.
 */
export function isForbiddenKey(key: string, value: unknown): boolean {
  return key === '__proto__' || (key === 'constructor' && typeof value === 'object' && value !== null && 'prototype' in value);
}

/** The dotted path of the first forbidden key in `value` (see isForbiddenKey), or undefined. */
export function forbiddenKeyPath(value: unknown, path: string[] = []): string[] | undefined {
  if (typeof value !== 'object' || value === null || path.length > MAX_JOB_DEPTH) return undefined;
  for (const [key, child] of Object.entries(value)) {
    if (isForbiddenKey(key, child)) return [...path, key];
    const found = forbiddenKeyPath(child, [...path, key]);
    if (found) return found;
  }
  return undefined;
}
