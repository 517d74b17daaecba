import type { FileChange } from '../manifests/manifestSet.js';

/** What the walk remembers of a tree: the oid of every subtree and blob, so unchanged subtrees are skipped. */
export type TreeNode =
  | { kind: 'tree'; oid: string; entries: Map<string, TreeNode> }
  /** A file, symlink (mode 120000) or submodule (160000, its oid a commit's): one leaf each. */
  | { kind: 'blob'; oid: string; mode: string };

export interface TreeEntry {
  mode: string;
  path: string;
  oid: string;
  type: 'blob' | 'tree' | 'commit';
}

export interface TreeDiff {
  /** The new snapshot, sharing every unchanged subtree with the previous one. */
  node: TreeNode | undefined;
  /** Files added or whose blob changed, with their full path. */
  changed: FileChange[];
  /** Files gone (deleted, or replaced by a directory). */
  removed: string[];
}

/**
 * Compares the tree `oid` with the previous snapshot by object id: an unchanged subtree costs one
 * comparison and is not read, so a one-file commit reads only the trees on that file's path.
 * Symlinks and submodules are leaves like files, with their mode: whether they may be there is the
 * manifest set's question (they must never read as a deletion).
 * @example
 *   const first = await diffTree(readTree, 'jobs/', treeOid, undefined);   // every file is "changed"
 *   const next = await diffTree(readTree, 'jobs/', newTreeOid, first.node); // only what differs
 */
export async function diffTree(
  readTree: (oid: string) => Promise<TreeEntry[]>,
  prefix: string,
  oid: string | undefined,
  prev: TreeNode | undefined,
): Promise<TreeDiff> {
  const diff: TreeDiff = { node: undefined, changed: [], removed: [] };
  diff.node = oid === undefined ? undefined : await walk(readTree, prefix, oid, prev, diff);
  if (oid === undefined && prev) collectFiles(prefix, prev, diff.removed);
  return diff;
}

async function walk(readTree: (oid: string) => Promise<TreeEntry[]>, prefix: string, oid: string,
  prev: TreeNode | undefined, diff: TreeDiff): Promise<TreeNode> {
  if (prev?.kind === 'tree' && prev.oid === oid) return prev;
  const before = prev?.kind === 'tree' ? prev.entries : new Map<string, TreeNode>();
  if (prev?.kind === 'blob') diff.removed.push(prefix.slice(0, -1));
  const entries = new Map<string, TreeNode>();
  for (const entry of await readTree(oid)) {
    const path = prefix + entry.path;
    const old = before.get(entry.path);
    if (entry.type === 'tree') {
      entries.set(entry.path, await walk(readTree, `${path}/`, entry.oid, old, diff));
    } else {
      if (old?.kind === 'tree') collectFiles(`${path}/`, old, diff.removed);
      if (old?.kind !== 'blob' || old.oid !== entry.oid || old.mode !== entry.mode) diff.changed.push({ path, oid: entry.oid, mode: entry.mode });
      entries.set(entry.path, { kind: 'blob', oid: entry.oid, mode: entry.mode });
    }
  }
  for (const [name, old] of before) {
    if (!entries.has(name)) collectFiles(old.kind === 'tree' ? `${prefix}${name}/` : prefix + name, old, diff.removed);
  }
  return { kind: 'tree', oid, entries };
}

/** Every file path under a node (`prefix` ends in `/` for a tree; is the file's path for a blob). */
function collectFiles(prefix: string, node: TreeNode, out: string[]): void {
  if (node.kind === 'blob') {
    out.push(prefix);
    return;
  }
  for (const [name, child] of node.entries) collectFiles(child.kind === 'tree' ? `${prefix}${name}/` : prefix + name, child, out);
}
