import { commitTree, parseTree, type ObjectType } from './gitObjects.js';
import { createObjectStore, ObjectNotFoundError } from './objectStore.js';
import type { TreeEntry } from './treeWalk.js';

/**
 * Commit, tree and blob reads of one git directory (objectStore.ts: packs read by position, sizes
 * checked before inflating). A read that misses retries once on a fresh pack listing: a gc or a fetch
 * may have moved objects since the last listing.
 */
export function createObjectReader(gitdir: string) {
  const store = createObjectStore(gitdir);
  const read = async (oid: string, type: ObjectType, maxBytes?: number): Promise<Uint8Array> => {
    let object;
    try {
      object = await store.read(oid, maxBytes);
    } catch (err) {
      if (!(err instanceof ObjectNotFoundError)) throw err;
      store.refresh();
      object = await store.read(oid, maxBytes);
    }
    if (object.type !== type) throw new Error(`object ${oid} is a ${object.type}, not a ${type}`);
    return object.data;
  };
  return {
    /** Call once per pass, after the commit is known: the next reads see the packs on disk now. */
    async refresh(): Promise<void> {
      store.refresh();
    },
    readCommitTree: async (commit: string) => commitTree(await read(commit, 'commit')),
    readTree: async (oid: string): Promise<TreeEntry[]> => parseTree(await read(oid, 'tree')),
    /** The blob; BlobTooLargeError, with its size, when its header says it is over `maxBytes`. */
    readBlob: (oid: string, maxBytes = Infinity): Promise<Uint8Array> => read(oid, 'blob', maxBytes),
    has: (oid: string) => store.has(oid),
    close: () => store.close(),
  };
}
