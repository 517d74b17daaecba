/**
 * Remembers built jobs between sync passes, so an unchanged file costs a lookup and a comparison
 * instead of `buildJob` (validation + canonical JSON + hash). Keyed by the file's path; a hit needs the
 * spec to be equal as JSON to the one the job was built from (`jsonEqual`: a walk of the two parsed
 * values, about 4× cheaper than `JSON.stringify` + a SHA-1 digest of each spec, and no collisions).
 *
 * Bounded: each source keeps only the jobs of its last pass (a removed or changed file drops out at
 * the next one), and when all sources together hold more than `maxEntries`, the least recently synced
 * sources are forgotten. Only valid specs are kept; an invalid one is built (and refused) every time.
 *
 * `buildJob` depends on the clock through `expires` ("must not be in the past"): a cached job whose
 * `expires` has passed by `now` is built again, so it is refused exactly as an uncached one would be.
 */
import { buildJob, type Job } from '../../core/index.js';
import { jsonEqual } from './jsonEqual.js';

export interface BuildOptions {
  allowedCapabilities: readonly string[];
  /** ms since the epoch; `expires` before it is refused. */
  now: number;
}

export interface BuildPass {
  /** The built job of `file`'s `spec`; throws INVALID_JOB_DEFINITION as `buildJob` does. */
  build(file: string, spec: unknown): Job;
  /** Keeps this pass's jobs as the source's cache (the previous pass's are dropped). */
  done(): void;
}

export interface BuildCache {
  /** Starts building one commit of `source`. */
  pass(source: string, options: BuildOptions): BuildPass;
  /** Cached jobs, over all sources. */
  size(): number;
}

interface Entry {
  spec: unknown;
  job: Job;
}

const expired = (job: Job, now: number) => job.expires !== undefined && !(Date.parse(job.expires) >= now);

/**
 * @example
 *   const cache = createBuildCache();
 *   const pass = cache.pass('infra', { allowedCapabilities: [], now: Date.now() });
 *   const jobs = files.map((f) => pass.build(f.file, f.spec));
 *   pass.done();
 */
export function createBuildCache(options: { maxEntries?: number } = {}): BuildCache {
  const maxEntries = options.maxEntries ?? 100_000;
  // Insertion order is recency: a source's map is re-inserted at the end of each of its passes.
  const bySource = new Map<string, Map<string, Entry>>();
  let entries = 0;
  let capabilities = '';

  return {
    pass(source, buildOptions) {
      const caps = JSON.stringify(buildOptions.allowedCapabilities);
      // Another capability list may accept or refuse other specs: start afresh.
      if (caps !== capabilities) { bySource.clear(); entries = 0; capabilities = caps; }
      const previous = bySource.get(source);
      const next = new Map<string, Entry>();
      return {
        build(file, spec) {
          const hit = next.get(file) ?? previous?.get(file);
          if (hit && jsonEqual(hit.spec, spec) && !expired(hit.job, buildOptions.now)) {
            next.set(file, hit);
            return hit.job;
          }
          const { job } = buildJob(spec, { allowedCapabilities: buildOptions.allowedCapabilities, now: buildOptions.now });
          next.set(file, { spec, job });
          return job;
        },
        done() {
          entries -= bySource.get(source)?.size ?? 0;
          bySource.delete(source);
          bySource.set(source, next);
          entries += next.size;
          for (const [name, jobs] of bySource) {
            if (entries <= maxEntries || name === source) break;
            bySource.delete(name);
            entries -= jobs.size;
          }
        },
      };
    },
    size: () => entries,
  };
}
