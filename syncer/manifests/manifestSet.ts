import type { FileError, SyncJob } from '../../core/index.js';
import { findDuplicates } from './findDuplicates.js';
import { isJobFile } from './isJobFile.js';
import { parseJobFile, type JobFileResult, type ParsedJob } from './parseJobFile.js';

export interface FileChange {
  /** Path inside the repository, e.g. `jobs/web.yaml`. */
  path: string;
  /** Blob object id; a file is re-read only when this changes. */
  oid: string;
}

export interface DesiredSet {
  jobs: SyncJob[];
  errors: FileError[];
}

/** Loose objects are one file each: a few reads in flight overlap their I/O. */
const READ_CONCURRENCY = 8;

/** Larger files are refused rather than parsed: a job file is a few hundred bytes. */
export const MAX_JOB_FILE_BYTES = 1024 * 1024;

/**
 * The parsed job files of the last commit read, keyed by path and blob oid, so the next commit costs
 * only its changed files. `update` is all-or-nothing: if reading a blob fails, nothing is kept.
 * @example
 *   const set = createManifestSet();
 *   await set.update({ changed: [{ path: 'jobs/web.yaml', oid }], removed: [] }, readBlob);
 *   const { jobs, errors } = set.desired();
 */
export function createManifestSet() {
  const files = new Map<string, { oid: string; result: JobFileResult }>();

  return {
    get size() {
      return files.size;
    },

    /** Reads the changed files (only job files; the others are ignored) and forgets the removed ones. */
    async update(change: { changed: FileChange[]; removed: string[] }, readBlob: (oid: string) => Promise<Uint8Array>): Promise<number> {
      const decoder = new TextDecoder('utf-8');
      const wanted = change.changed.filter(({ path, oid }) => isJobFile(path) && files.get(path)?.oid !== oid);
      const blobs = await mapLimit(wanted, READ_CONCURRENCY, ({ oid }) => readBlob(oid));
      const read = wanted.map(({ path, oid }, i): [string, { oid: string; result: JobFileResult }] => {
        const bytes = blobs[i];
        const result: JobFileResult = bytes.byteLength > MAX_JOB_FILE_BYTES
          ? { ok: false, errors: [{ file: path, line: 1, message: `file is ${bytes.byteLength} bytes, over the ${MAX_JOB_FILE_BYTES}-byte limit for a job file` }] }
          : parseJobFile(path, decoder.decode(bytes));
        return [path, { oid, result }];
      });
      for (const path of change.removed) files.delete(path);
      for (const [path, entry] of read) files.set(path, entry);
      return read.length;
    },

    /** The whole desired set of the commit: valid jobs, and every error (file errors and duplicates). */
    desired(): DesiredSet {
      const jobs: SyncJob[] = [];
      const errors: FileError[] = [];
      const parsed: ParsedJob[] = [];
      const oids = new Map<string, string>();
      for (const [path, { oid, result }] of files) {
        if (result.ok) { parsed.push(result.job); oids.set(path, oid); }
        else errors.push(...result.errors);
      }
      const duplicates = findDuplicates(parsed);
      errors.push(...duplicates.errors);
      for (const job of parsed) {
        if (duplicates.files.has(job.file)) continue;
        const { file, spec, hosts, goal, lines } = job;
        // The blob id names the entry: the same bytes always parse to the same entry.
        jobs.push({ file, lines, spec, hosts, goal, digest: oids.get(file) });
      }
      errors.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)));
      jobs.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
      return { jobs, errors };
    },
  };
}

export type ManifestSet = ReturnType<typeof createManifestSet>;

/** `Promise.all(items.map(fn))` with at most `limit` calls in flight; results in order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
