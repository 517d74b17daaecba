/**
 * Remembers built jobs between sync passes, so an unchanged file costs a lookup and a comparison
 * instead of `buildJob` (validation + canonical JSON + hash). Keyed by the file's path; a hit needs the
 * spec to be equal as JSON to the one the job was built from (`jsonEqual`: a walk of the two parsed
 * values, about 4× cheaper than `JSON.stringify` + a SHA-1 digest of each spec, and no collisions).
 *
 * Bounded: each source keeps only the jobs of its last pass (a removed or changed file drops out at
 * the next one), and when all sources together hold more than `maxEntries`, the least recently synced
 * sources are forgotten. An invalid spec is built (and refused) every time.
 *
 * It also remembers each file's whole sync entry (hosts, goal, lines) under the digest the syncer gave
 * it, invalid ones included, so that the next request may name an unchanged entry by file and digest
 * instead of sending it again (`recall`).
 *
 * Jobs are built without the clock: an `expires` in the past is no error in a job file (the sync
 * treats the job as absent, see validateSyncJobs), so a cached job never goes bad with time.
 */
import { buildJob, jobFileValidation, type Job, type SyncJob } from '../../core/index.js';
import { jsonEqual } from './jsonEqual.js';

export interface BuildPass {
  /** The entry `file` had in the source's previous pass, when it carried this digest. */
  recall(file: string, digest: string): SyncJob | undefined;
  /**
   * The built job of `file`'s `spec`; throws INVALID_JOB_DEFINITION as `buildJob` does. With `entry`
   * (whose `spec` this is), the entry is remembered for the next pass's `recall`, valid or not.
   */
  build(file: string, spec: unknown, entry?: SyncJob): Job;
  /** Keeps this pass's jobs as the source's cache (the previous pass's are dropped). */
  done(): void;
}

export interface BuildCache {
  /** Starts building one commit of `source`. */
  pass(source: string): BuildPass;
  /** Cached jobs, over all sources. */
  size(): number;
}

interface Entry {
  spec: unknown;
  /** null: the spec is invalid (kept only so that its entry can be recalled). */
  job: Job | null;
  sync?: SyncJob;
}


/**
 * @example
 *   const cache = createBuildCache();
 *   const pass = cache.pass('infra');
 *   const jobs = files.map((f) => pass.build(f.file, f.spec));
 *   pass.done();
 */
export function createBuildCache(options: { maxEntries?: number } = {}): BuildCache {
  const maxEntries = options.maxEntries ?? 100_000;
  // Insertion order is recency: a source's map is re-inserted at the end of each of its passes.
  const bySource = new Map<string, Map<string, Entry>>();
  let entries = 0;

  return {
    pass(source) {
      const previous = bySource.get(source);
      const next = new Map<string, Entry>();
      return {
        recall(file, digest) {
          const sync = (next.get(file) ?? previous?.get(file))?.sync;
          return sync?.digest === digest ? sync : undefined;
        },
        build(file, spec, entry) {
          const hit = next.get(file) ?? previous?.get(file);
          // A recalled entry brings the very spec object it was built from: no comparison needed.
          if (hit?.job && (hit.spec === spec || jsonEqual(hit.spec, spec))) {
            next.set(file, { spec: hit.spec, job: hit.job, sync: entry });
            return hit.job;
          }
          try {
            // Specs of job files, validated as the syncer does: a typo refuses the file, a past expires does not.
            const { job } = buildJob(spec, jobFileValidation);
            next.set(file, { spec, job, sync: entry });
            return job;
          } catch (err) {
            if (entry) next.set(file, { spec, job: null, sync: entry });
            throw err;
          }
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
