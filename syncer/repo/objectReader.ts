import * as git from 'isomorphic-git';
import type nodeFs from 'node:fs';
import { createObjectFs } from './objectFs.js';
import type { TreeEntry } from './treeWalk.js';

/**
 * Object reads through isomorphic-git with one cache of pack indexes and packs kept across passes
 * (a pack's name is its checksum, so a cached pack never goes stale; it is dropped only when a pack
 * disappears, after a gc) and the per-object file-system probes answered by `createObjectFs`.
 */
export function createObjectReader(fs: typeof nodeFs, gitdir: string) {
  const objectFs = createObjectFs(gitdir, fs);
  const options = { fs: objectFs.fs, gitdir };
  let cache: object = {};
  let packs = new Set<string>();

  /** A read that misses retries once on a fresh listing (a gc or a fetch may have moved objects). */
  const read = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if ((err as { code?: string }).code !== 'NotFoundError') throw err;
      await reader.refresh();
      return fn();
    }
  };

  const reader = {
    /** Call once per pass, after the commit is known: forgets listings, drops packs that are gone. */
    async refresh(): Promise<void> {
      objectFs.forget();
      const now = new Set(await objectFs.packIndexes());
      if ([...packs].some((p) => !now.has(p))) cache = {};
      packs = now;
    },
    readCommitTree: (commit: string) => read(async () => (await git.readCommit({ ...options, oid: commit, cache })).commit.tree),
    readTree: (oid: string): Promise<TreeEntry[]> => read(async () => (await git.readTree({ ...options, oid, cache })).tree),
    readBlob: (oid: string): Promise<Uint8Array> => read(async () => (await git.readBlob({ ...options, oid, cache })).blob),
  };
  return reader;
}
