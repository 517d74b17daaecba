/**
 * Remembers built jobs between sync passes, so an unchanged file costs a lookup and a comparison
 * instead of `buildJob` (validation + canonical JSON + hash). Keyed by the file's path; a hit needs the
 * spec to be equal as JSON to the one the job was built from (`jsonEqual`: a walk of the two parsed
 * values, about 4× cheaper than `JSON.stringify` + a SHA-1 digest of each spec, and no collisions).
 *
 * A spec is weighed (its JSON bytes, `jobBytes`) when it is built: one over `maxJobBytes` is refused
 * with PAYLOAD_TOO_LARGE naming --max-job-bytes, and never kept. An invalid spec is built (and
 * refused) every time.
 *
 * Bounded in bytes (the JSON bytes of the specs kept, valid or not): each source keeps only the
 * entries of its last pass (a removed or changed file drops out at the next one), a pass keeps no more
 * than `maxBytes` (the files past it are built again next time), and when all sources together hold
 * more, the least recently synced sources are forgotten.
 *
 * It also remembers each file's whole sync entry (hosts, goal, lines) under the digest the syncer gave
 * it, invalid ones included, so that the next request may name an unchanged entry by file and digest
 * instead of sending it again (`recall`).
 *
 * Jobs are built without the clock: an `expires` in the past is no error in a job file (the sync
 * treats the job as absent, see validateSyncJobs), so a cached job never goes bad with time.
 */
import { buildJob, jobFileValidation, type Job, type SyncJob } from '../../core/index.js';
import { defaults } from '../options.js';
import { checkJobSize } from '../limits/jobSize.js';
import { jsonEqual } from './jsonEqual.js';

export interface BuildPass {
  /** The entry `file` had in the source's previous pass, when it carried this digest. */
  recall(file: string, digest: string): SyncJob | undefined;
  /**
   * The built job of `file`'s `spec`; throws INVALID_JOB_DEFINITION as `buildJob` does, or
   * PAYLOAD_TOO_LARGE for a spec over `maxJobBytes`. With `entry` (whose `spec` this is), the entry is
   * remembered for the next pass's `recall`, valid or not (but not one too large).
   */
  build(file: string, spec: unknown, entry?: SyncJob): Job;
  /** Keeps this pass's jobs as the source's cache (the previous pass's are dropped). */
  done(): void;
}

export interface BuildCache {
  /** Starts building one commit of `source`. */
  pass(source: string): BuildPass;
  /** Cached entries, over all sources. */
  size(): number;
  /** The JSON bytes of the cached specs, over all sources. */
  bytes(): number;
}

export interface BuildCacheOptions {
  /** The most spec bytes kept over all sources (--max-sync-cache-bytes). */
  maxBytes?: number;
  /** A spec over this is refused (--max-job-bytes). */
  maxJobBytes?: number;
}

interface Entry {
  spec: unknown;
  /** null: the spec is invalid (kept only so that its entry can be recalled). */
  job: Job | null;
  sync?: SyncJob;
  /** The spec's JSON bytes. */
  bytes: number;
}

/** A source's entries of one pass, with their bytes. */
class Pass extends Map<string, Entry> {
  bytes = 0;
}


/**
 * @example
 *   const cache = createBuildCache({ maxBytes: 128 * 1024 ** 2 });
 *   const pass = cache.pass('infra');
 *   const jobs = files.map((f) => pass.build(f.file, f.spec));
 *   pass.done();
 */
export function createBuildCache(options: BuildCacheOptions = {}): BuildCache {
  const maxBytes = options.maxBytes ?? defaults.limits.maxSyncCacheBytes;
  const maxJobBytes = options.maxJobBytes ?? defaults.limits.maxJobBytes;
  // Insertion order is recency: a source's map is re-inserted at the end of each of its passes.
  const bySource = new Map<string, Pass>();
  let entries = 0;
  let bytes = 0;

  return {
    pass(source) {
      const previous = bySource.get(source);
      const next = new Pass();
      // A pass past maxBytes keeps what it has: the files beyond are built again next time.
      const keep = (file: string, entry: Entry) => {
        const replaced = next.get(file);
        if (replaced) {
          next.delete(file);
          next.bytes -= replaced.bytes;
        }
        if (next.bytes + entry.bytes > maxBytes) return;
        next.set(file, entry);
        next.bytes += entry.bytes;
      };
      return {
        recall(file, digest) {
          const sync = (next.get(file) ?? previous?.get(file))?.sync;
          return sync?.digest === digest ? sync : undefined;
        },
        build(file, spec, entry) {
          const hit = next.get(file) ?? previous?.get(file);
          // A recalled entry brings the very spec object it was built from: no comparison needed.
          if (hit?.job && (hit.spec === spec || jsonEqual(hit.spec, spec))) {
            keep(file, { ...hit, sync: entry });
            return hit.job;
          }
          const specBytes = checkJobSize(spec, maxJobBytes);
          try {
            // Specs of job files, validated as the syncer does: a typo refuses the file, a past expires does not.
            const { job } = buildJob(spec, jobFileValidation);
            keep(file, { spec, job, sync: entry, bytes: specBytes });
            return job;
          } catch (err) {
            if (entry) keep(file, { spec, job: null, sync: entry, bytes: specBytes });
            throw err;
          }
        },
        done() {
          const old = bySource.get(source);
          entries -= old?.size ?? 0;
          bytes -= old?.bytes ?? 0;
          bySource.delete(source);
          bySource.set(source, next);
          entries += next.size;
          bytes += next.bytes;
          for (const [name, pass] of bySource) {
            if (bytes <= maxBytes || name === source) break;
            bySource.delete(name);
            entries -= pass.size;
            bytes -= pass.bytes;
          }
        },
      };
    },
    size: () => entries,
    bytes: () => bytes,
  };
}
