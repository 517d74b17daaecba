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

/**
 * What a job spec weighs against `--max-job-bytes`: the UTF-8 length of its JSON. Throws RangeError
 * for a value nested too deeply to serialize.
 * @example jobBytes({ name: 'web', env: { A: 'é' } }) // → 31
 */
export const jobBytes = (spec: unknown): number => Buffer.byteLength(JSON.stringify(spec) ?? '');
