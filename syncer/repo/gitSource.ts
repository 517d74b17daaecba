import type { TreeEntry } from './treeWalk.js';

/** A repository the syncer reads: where its objects are, and how to find the branch's commit. */
export interface GitSource {
  kind: 'local' | 'http';
  /** The git directory holding the objects (the repo's `.git`, a bare repo, or the fetch cache). */
  gitdir: string;
  /** The repository as shown in the master's status (credentials stripped from URLs). */
  display: string;
  /** The branch's current commit (fetching first, for a remote); `signal` ends a fetch under way. */
  resolveCommit(signal?: AbortSignal): Promise<string>;
  readCommitTree(commit: string): Promise<string>;
  readTree(oid: string): Promise<TreeEntry[]>;
  /** The blob; BlobTooLargeError (with its size) when its object header says it is over `maxBytes`, not inflated. */
  readBlob(oid: string, maxBytes?: number): Promise<Uint8Array>;
  /** Called once per pass after `resolveCommit`: forgets cached listings (new objects, packs gone after a gc). */
  refresh(): Promise<void>;
  /** Lets go of open pack files. */
  close(): Promise<void>;
}
