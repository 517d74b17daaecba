/**
 * A pack's `.idx` (version 2, what git has written since 1.5.2): where each object starts in the
 * pack, and, from the offsets sorted, where it ends. Only the index is held in memory (28 bytes an
 * object); objects are read from the pack file by position, so a pack is never read whole.
 */
export interface PackIndex {
  /** The object's offset in the pack, or undefined when this pack does not hold it. */
  find(oid: string): number | undefined;
  /** Where the object at `offset` ends (the next object's offset, or the pack's trailer). */
  end(offset: number): number;
}

const MAGIC = 0xff744f63; // "\377tOc"

/** Parses an idx file; `packBytes` is the pack's size (its last 20 bytes are a checksum). */
export function parsePackIndex(idx: Buffer, packBytes: number, name: string): PackIndex {
  if (idx.length < 8 + 256 * 4 || idx.readUInt32BE(0) !== MAGIC || idx.readUInt32BE(4) !== 2) {
    throw new Error(`${name}: not a version 2 pack index (repack the repository with a git from after 2007)`);
  }
  const count = idx.readUInt32BE(8 + 255 * 4);
  const oidsAt = 8 + 256 * 4;
  const offsetsAt = oidsAt + count * 20 + count * 4;
  const largeAt = offsetsAt + count * 4;
  if (idx.length < largeAt + 40) throw new Error(`${name}: pack index is truncated`);
  const offsetOf = (i: number): number => {
    const small = idx.readUInt32BE(offsetsAt + i * 4);
    if ((small & 0x80000000) === 0) return small;
    return Number(idx.readBigUInt64BE(largeAt + (small & 0x7fffffff) * 8));
  };
  const sorted = new Float64Array(count);
  for (let i = 0; i < count; i++) sorted[i] = offsetOf(i);
  sorted.sort();
  const trailer = packBytes - 20;

  return {
    find(oid) {
      const key = Buffer.from(oid, 'hex');
      if (key.length !== 20) return undefined;
      let lo = key[0] === 0 ? 0 : idx.readUInt32BE(8 + (key[0] - 1) * 4);
      let hi = idx.readUInt32BE(8 + key[0] * 4);
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const cmp = key.compare(idx, oidsAt + mid * 20, oidsAt + mid * 20 + 20);
        if (cmp === 0) return offsetOf(mid);
        if (cmp < 0) hi = mid;
        else lo = mid + 1;
      }
      return undefined;
    },
    end(offset) {
      let lo = 0;
      let hi = count;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sorted[mid] <= offset) lo = mid + 1;
        else hi = mid;
      }
      return lo < count ? sorted[lo] : trailer;
    },
  };
}
