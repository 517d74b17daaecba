import type { FileError, SyncJob } from '../../core/index.js';
import { MAX_SYNC_ENTRIES, jobBytes } from '../../core/model/limits.js';
import { BlobTooLargeError } from '../errors.js';
import { findDuplicates } from './findDuplicates.js';
import { isJobFile } from './isJobFile.js';
import { defaultManifestLimits, type ManifestLimits } from './limits.js';
import { parseJobFile, type JobFileResult, type ParsedJob } from './parseJobFile.js';

export interface FileChange {
  /** Path inside the repository, e.g. `jobs/web.yaml`. */
  path: string;
  /** Object id (a blob's; a submodule's commit); a file is re-read only when this or its mode changes. */
  oid: string;
  /** The tree entry's mode: `100644`/`100755` a file, `120000` a symlink, `160000` a submodule. */
  mode: string;
}

export interface DesiredSet {
  jobs: SyncJob[];
  errors: FileError[];
}

/** Reads a blob, or throws BlobTooLargeError when its header says it is over `maxBytes` (it is not inflated). */
export type ReadBlob = (oid: string, maxBytes: number) => Promise<Uint8Array>;

/** Loose objects are one file each: a few reads in flight overlap their I/O (and bound the bytes held). */
const READ_CONCURRENCY = 8;

/** A symlink's blob is its target path. */
const MAX_LINK_BYTES = 4096;

/**
 * The parsed job files of the last commit read, keyed by path and blob oid, so the next commit costs
 * only its changed files. `update` is all-or-nothing: if reading a blob fails, nothing is kept.
 * A symlink or a submodule where a job file or folder could be is an error, never skipped (the job
 * would be pruned without a word): nothing is checked out, so links are not followed.
 * @example
 *   const set = createManifestSet();
 *   await set.update({ changed: [{ path: 'jobs/web.yaml', oid, mode: '100644' }], removed: [] }, readBlob);
 *   const { jobs, errors } = set.desired('jobs');
 */
export function createManifestSet(limits: ManifestLimits = defaultManifestLimits) {
  const files = new Map<string, { oid: string; mode: string; result: JobFileResult; bytes: number }>();

  const readOne = async ({ path, oid, mode }: FileChange, readBlob: ReadBlob): Promise<JobFileResult> => {
    if (mode === '160000') return fail(path, `submodules are not supported: ${path} is a submodule (commit ${oid.slice(0, 12)}); commit its job files into this repository, or keep it out of this folder`);
    const max = mode === '120000' ? MAX_LINK_BYTES : limits.maxFileBytes;
    let bytes: Uint8Array;
    try {
      bytes = await readBlob(oid, max);
    } catch (err) {
      if (!(err instanceof BlobTooLargeError)) throw err;
      if (mode === '120000') return fail(path, `symlinks are not supported: ${path} is a symlink; commit the file itself`);
      return fail(path, `file is ${err.data.size} bytes, over the ${max}-byte limit for a job file (--max-file-bytes)`);
    }
    const text = new TextDecoder('utf-8').decode(bytes);
    if (mode === '120000') return fail(path, `symlinks are not supported: ${path} is a symlink to ${text}; commit the file itself, or keep the link out of this folder`);
    return parseJobFile(path, text, limits);
  };

  return {
    get size() {
      return files.size;
    },

    /**
     * Reads the changed files (job files, and links where one could be; the others are ignored) and
     * forgets the removed ones; nothing changes when `signal` aborts first.
     */
    async update(change: { changed: FileChange[]; removed: string[] }, readBlob: ReadBlob, signal?: AbortSignal): Promise<number> {
      const wanted = change.changed.filter((c) => isRead(c) && (files.get(c.path)?.oid !== c.oid || files.get(c.path)?.mode !== c.mode));
      const results = await mapLimit(wanted, READ_CONCURRENCY, (c) => readOne(c, readBlob));
      // A pass given up on (its deadline passed) must not change what the next one starts from.
      signal?.throwIfAborted();
      for (const path of change.removed) files.delete(path);
      wanted.forEach(({ path, oid, mode }, i) => {
        const result = results[i];
        files.set(path, { oid, mode, result, bytes: result.ok ? jobBytes(result.job) : 0 });
      });
      return wanted.length;
    },

    /**
     * The whole desired set of the commit under `folder`: valid jobs, and every error (file errors and
     * duplicates). A commit the master could never take whole (more files than a request may carry,
     * or a full set over `--max-sync-bytes`) keeps no job and says so, so it is refused and recorded.
     */
    desired(folder: string): DesiredSet {
      const jobs: SyncJob[] = [];
      const errors: FileError[] = [];
      const parsed: ParsedJob[] = [];
      const oids = new Map<string, string>();
      let bytes = 0;
      for (const [path, { oid, result, bytes: size }] of files) {
        if (result.ok) { parsed.push(result.job); oids.set(path, oid); bytes += size; }
        else errors.push(...result.errors);
      }
      const duplicates = findDuplicates(parsed);
      errors.push(...duplicates.errors);
      for (const job of parsed) {
        if (duplicates.files.has(job.file)) continue;
        const { file, spec, hosts, goal, group, lines } = job;
        // The blob id names the entry: the same bytes always parse to the same entry.
        jobs.push({ file, lines, spec, hosts, goal, ...(group ? { group } : {}), digest: oids.get(file) });
      }
      errors.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)));
      jobs.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
      const whole = wholeSetError(folder || '.', jobs.length, bytes, limits.maxSyncBytes);
      return whole ? { jobs: [], errors: [whole, ...errors] } : { jobs, errors };
    },
  };
}

export type ManifestSet = ReturnType<typeof createManifestSet>;

/**
 * Job files, and links and submodules where a job file or folder could be (a name with a job file's
 * extension, or none); a link named README.md is as ignored as the file would be.
 */
function isRead({ path, mode }: FileChange): boolean {
  if (mode !== '120000' && mode !== '160000') return isJobFile(path);
  const base = path.slice(path.lastIndexOf('/') + 1);
  return isJobFile(path) || (!base.startsWith('.') && !base.includes('.'));
}

function wholeSetError(folder: string, entries: number, bytes: number, maxSyncBytes: number): FileError | undefined {
  if (entries > MAX_SYNC_ENTRIES) {
    return { file: folder, message: `${entries} job files, over the ${MAX_SYNC_ENTRIES} one sync request may carry: split them over several sources (--path)` };
  }
  if (bytes > maxSyncBytes) {
    return { file: folder, message: `the job files come to ${bytes} bytes as JSON, over the ${maxSyncBytes}-byte limit for a sync request (--max-sync-bytes): split them over several sources (--path)` };
  }
  return undefined;
}

const fail = (file: string, message: string): JobFileResult => ({ ok: false, errors: [{ file, line: 1, message }] });

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
