/** Git's object formats the syncer reads: tree entries, a commit's tree, and pack deltas. */
import type { TreeEntry } from './treeWalk.js';

export type ObjectType = 'commit' | 'tree' | 'blob' | 'tag';

/** `mode SP name NUL oid(20 bytes)`, repeated; modes as isomorphic-git gives them (`040000` for a tree). */
export function parseTree(data: Uint8Array): TreeEntry[] {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const entries: TreeEntry[] = [];
  let i = 0;
  while (i < buf.length) {
    const space = buf.indexOf(0x20, i);
    const nul = buf.indexOf(0, space);
    if (space < 0 || nul < 0 || nul + 21 > buf.length) throw new Error('malformed tree object');
    const mode = normalizeMode(buf.toString('latin1', i, space));
    const path = buf.toString('utf8', space + 1, nul);
    const oid = buf.toString('hex', nul + 1, nul + 21);
    entries.push({ mode, path, oid, type: mode === '040000' ? 'tree' : mode === '160000' ? 'commit' : 'blob' });
    i = nul + 21;
  }
  return entries;
}

function normalizeMode(mode: string): string {
  if (/^0?4/.test(mode)) return '040000';
  if (/^1007/.test(mode)) return '100755';
  if (/^120/.test(mode)) return '120000';
  if (/^160/.test(mode)) return '160000';
  return '100644';
}

/** A commit's first line: `tree <oid>`. */
export function commitTree(data: Uint8Array): string {
  const head = Buffer.from(data.buffer, data.byteOffset, Math.min(data.byteLength, 46)).toString('latin1');
  const match = /^tree ([0-9a-f]{40})\n/.exec(head);
  if (!match) throw new Error('malformed commit object');
  return match[1];
}

/** A delta begins with two sizes (7 bits a byte, low first): the base's, then the result's. */
export function deltaSizes(delta: Uint8Array): { base: number; result: number; start: number } | undefined {
  let i = 0;
  const varint = (): number | undefined => {
    let value = 0;
    let shift = 0;
    for (;;) {
      if (i >= delta.length) return undefined;
      const byte = delta[i++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if ((byte & 0x80) === 0) return value;
    }
  };
  const base = varint();
  const result = varint();
  return base === undefined || result === undefined ? undefined : { base, result, start: i };
}

/** Applies a pack delta (copy-from-base and insert instructions) to its base. */
export function applyDelta(delta: Uint8Array, base: Uint8Array): Uint8Array {
  const sizes = deltaSizes(delta);
  if (!sizes || sizes.base !== base.length) throw new Error('delta does not match its base');
  const out = new Uint8Array(sizes.result);
  let at = 0;
  let i = sizes.start;
  while (i < delta.length) {
    const op = delta[i++];
    if (op & 0x80) {
      let offset = 0;
      let size = 0;
      for (let bit = 0; bit < 4; bit++) if (op & (1 << bit)) offset += delta[i++] * 2 ** (8 * bit);
      for (let bit = 0; bit < 3; bit++) if (op & (0x10 << bit)) size += delta[i++] << (8 * bit);
      if (size === 0) size = 0x10000;
      if (offset + size > base.length || at + size > out.length) throw new Error('delta copies past its base or result');
      out.set(base.subarray(offset, offset + size), at);
      at += size;
    } else if (op > 0) {
      if (i + op > delta.length || at + op > out.length) throw new Error('delta inserts past its result');
      out.set(delta.subarray(i, i + op), at);
      at += op;
      i += op;
    } else {
      throw new Error('delta has a reserved instruction');
    }
  }
  if (at !== out.length) throw new Error('delta is shorter than its result');
  return out;
}
