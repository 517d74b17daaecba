import * as git from 'isomorphic-git';
import type { TreeEntry } from './treeWalk.js';

type Fs = Parameters<typeof git.readTree>[0]['fs'];
interface FsWithReaddir { promises: { readdir(path: string): Promise<string[]> } }

/**
 * Object reads through isomorphic-git with one shared cache of pack indexes, renewed when the set of
 * packs changes, so a sync reads the pack index once, not once per object.
 */
export function createObjectReader(fs: Fs & FsWithReaddir, gitdir: string) {
  let cache: object = {};
  let packs = '';
  return {
    async refresh(): Promise<void> {
      const list = await fs.promises.readdir(`${gitdir}/objects/pack`).catch(() => [] as string[]);
      const key = list.filter((f) => f.endsWith('.idx')).sort().join(',');
      if (key !== packs) {
        packs = key;
        cache = {};
      }
    },
    async readCommitTree(commit: string): Promise<string> {
      const { commit: parsed } = await git.readCommit({ fs, gitdir, oid: commit, cache });
      return parsed.tree;
    },
    async readTree(oid: string): Promise<TreeEntry[]> {
      const { tree } = await git.readTree({ fs, gitdir, oid, cache });
      return tree;
    },
    async readBlob(oid: string): Promise<Uint8Array> {
      const { blob } = await git.readBlob({ fs, gitdir, oid, cache });
      return blob;
    },
  };
}
