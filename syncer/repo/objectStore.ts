/**
 * Reads a repository's objects, packed or loose, without reading any pack whole: a pack's index is
 * held (28 bytes an object) and each object is read from the pack file by position, inflated with
 * node's zlib. An object's size comes from its header (a delta's from the first bytes of the delta)
 * before anything is inflated, so a blob over the limit costs a few bytes of reading.
 * isomorphic-git's reader, used before, read every pack it touched into memory whole and kept it
 * (2 GiB packs failed), and inflated a blob before its size could be checked.
 */
import { open, readdir, readFile, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { BlobTooLargeError } from '../errors.js';
import { applyDelta, deltaSizes, type ObjectType } from './gitObjects.js';
import { parsePackIndex, type PackIndex } from './packIndex.js';

export interface GitObject {
  type: ObjectType;
  data: Uint8Array;
}

interface Pack {
  name: string;
  file: string;
  index: PackIndex;
  handle?: Promise<FileHandle>;
}

const TYPES: Record<number, ObjectType> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' };
const OFS_DELTA = 6;
const REF_DELTA = 7;
/** A header is at most 16 bytes of type and size, plus a 20-byte base id or a base offset. */
const HEADER_BYTES = 40;
/**
 * The first bytes of a zlib stream read to find a delta's two sizes or a loose object's `blob 123\0`:
 * a block's Huffman tables come before any output and may take a few hundred bytes, so a short read
 * is extended (×4 each time) until the sizes are out.
 */
const PREFIX_BYTES = 512;
const MAX_PREFIX_BYTES = 64 * 1024;
/** Objects up to this (compressed, header included) are read in one go with their header. */
const SMALL_OBJECT_BYTES = 16 * 1024;
/** Delta bases kept between reads (git's core.deltaBaseCacheLimit is 96 MiB). */
const BASE_CACHE_BYTES = 32 * 1024 * 1024;
/** No pack git writes chains deltas deeper (its --depth is at most 4095); past it the pack is corrupt. */
const MAX_DELTA_CHAIN = 5000;

export class ObjectNotFoundError extends Error {
  readonly code = 'NotFoundError' as const;
  constructor(readonly oid: string) {
    super(`object ${oid} not found`);
  }
}

export function createObjectStore(gitdir: string) {
  const objects = path.join(gitdir, 'objects');
  const packDir = path.join(objects, 'pack');
  let known = new Map<string, Pack>();
  let listing: Promise<Pack[]> | undefined;
  const bases = createBaseCache(BASE_CACHE_BYTES);

  const packs = () => (listing ??= listPacks());
  async function listPacks(): Promise<Pack[]> {
    const names = (await readdir(packDir).catch(() => [] as string[])).filter((f) => f.endsWith('.idx')).sort();
    const next = new Map<string, Pack>();
    for (const idx of names) {
      const name = idx.slice(0, -4);
      // A pack's name is its checksum: a known one never changes.
      const pack = known.get(name) ?? await loadPack(name);
      if (pack) next.set(name, pack);
    }
    for (const [name, pack] of known) if (!next.has(name)) void pack.handle?.then((h) => h.close()).catch(() => undefined);
    known = next;
    return [...next.values()];
  }
  async function loadPack(name: string): Promise<Pack | undefined> {
    const file = path.join(packDir, `${name}.pack`);
    const size = await stat(file).then((s) => s.size, () => undefined);
    if (size === undefined) return undefined; // an index written before its pack (a fetch under way)
    return { name, file, index: parsePackIndex(await readFile(path.join(packDir, `${name}.idx`)), size, name) };
  }

  const readAt = async (pack: Pack, position: number, length: number): Promise<Buffer> => {
    const handle = await (pack.handle ??= open(pack.file, 'r'));
    const buffer = Buffer.alloc(Math.max(0, length));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    return buffer.subarray(0, bytesRead);
  };

  /**
   * The header of the object at `offset`, and, when the whole object is small, all of its bytes
   * (`whole`): most objects are a few hundred bytes, and one read is cheaper than two.
   */
  async function packedHeader(pack: Pack, offset: number) {
    const end = pack.index.end(offset);
    const bytes = await readAt(pack, offset, Math.min(end - offset, Math.max(HEADER_BYTES, SMALL_OBJECT_BYTES)));
    let i = 0;
    let byte = bytes[i++];
    const type = (byte >> 4) & 7;
    let size = byte & 15;
    let shift = 4;
    while (byte & 0x80) {
      byte = bytes[i++];
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    }
    let base: number | string | undefined;
    if (type === OFS_DELTA) {
      byte = bytes[i++];
      let back = byte & 0x7f;
      while (byte & 0x80) {
        byte = bytes[i++];
        back = (back + 1) * 128 + (byte & 0x7f);
      }
      base = offset - back;
    } else if (type === REF_DELTA) {
      base = bytes.toString('hex', i, i + 20);
      i += 20;
    } else if (!TYPES[type]) {
      throw new Error(`pack ${pack.name}: unknown object type ${type} at ${offset}`);
    }
    return { type, size, base, data: offset + i, end, whole: offset + bytes.length === end ? bytes.subarray(i) : undefined };
  }

  /** The object at `offset` of `pack`, deltas applied. */
  async function readPacked(pack: Pack, offset: number, chain = 0): Promise<GitObject> {
    if (chain > MAX_DELTA_CHAIN) throw new Error(`pack ${pack.name}: a delta chain deeper than ${MAX_DELTA_CHAIN}`);
    const h = await packedHeader(pack, offset);
    const data = inflate(h.whole ?? await readAt(pack, h.data, h.end - h.data), h.size);
    if (h.base === undefined) return { type: TYPES[h.type], data };
    const key = typeof h.base === 'number' ? `${pack.name}:${h.base}` : h.base;
    let base = bases.get(key);
    if (!base) {
      base = typeof h.base === 'number' ? await readPacked(pack, h.base, chain + 1) : await read(h.base, chain + 1);
      bases.set(key, base);
    }
    return { type: base.type, data: applyDelta(data, base.data) };
  }

  /** An object's type and size from its header alone (a delta's: its result's, from the delta's first bytes). */
  async function packedSize(pack: Pack, offset: number): Promise<number> {
    const h = await packedHeader(pack, offset);
    if (h.base === undefined) return h.size;
    const sizes = await fromPrefix(async (n) => h.whole?.subarray(0, n) ?? readAt(pack, h.data, Math.min(n, h.end - h.data)), deltaSizes);
    if (!sizes) throw new Error(`pack ${pack.name}: malformed delta at ${offset}`);
    return sizes.result;
  }

  async function locate(oid: string): Promise<{ pack: Pack; offset: number } | undefined> {
    for (const pack of await packs()) {
      const offset = pack.index.find(oid);
      if (offset !== undefined) return { pack, offset };
    }
    return undefined;
  }

  const looseFile = (oid: string) => path.join(objects, oid.slice(0, 2), oid.slice(2));
  /** A loose object is zlib of `type size\0content`. */
  async function loose(oid: string, maxBytes: number): Promise<GitObject> {
    const handle = await open(looseFile(oid), 'r').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') throw new ObjectNotFoundError(oid);
      throw err;
    });
    try {
      const head = await fromPrefix(async (n) => {
        const prefix = Buffer.alloc(n);
        return prefix.subarray(0, (await handle.read(prefix, 0, n, 0)).bytesRead);
      }, looseHeader);
      if (!head) throw new Error(`loose object ${oid} has a malformed header`);
      if (head.size > maxBytes) throw new BlobTooLargeError({ oid, size: head.size, maxBytes });
      const all = inflate(await handle.readFile(), head.start + head.size);
      return { type: head.type, data: all.subarray(head.start) };
    } finally {
      await handle.close();
    }
  }

  async function read(oid: string, chain = 0, maxBytes = Infinity): Promise<GitObject> {
    const at = await locate(oid);
    if (!at) return loose(oid, maxBytes);
    if (maxBytes !== Infinity) {
      const size = await packedSize(at.pack, at.offset);
      if (size > maxBytes) throw new BlobTooLargeError({ oid, size, maxBytes });
    }
    return readPacked(at.pack, at.offset, chain);
  }

  return {
    /** The object, or BlobTooLargeError when its header says it is over `maxBytes` (read no further). */
    read: (oid: string, maxBytes = Infinity) => read(oid, 0, maxBytes),
    async has(oid: string): Promise<boolean> {
      if (await locate(oid)) return true;
      return stat(looseFile(oid)).then(() => true, () => false);
    },
    /** Forgets the pack listing (a fetch or a gc may have added or removed packs); parsed indexes are kept. */
    refresh(): void {
      listing = undefined;
    },
    /** Closes the pack files (a store is usable again after: they reopen on the next read). */
    async close(): Promise<void> {
      const handles = [...known.values()].map((p) => p.handle);
      for (const pack of known.values()) pack.handle = undefined;
      await Promise.all(handles.map((h) => h?.then((f) => f.close()).catch(() => undefined)));
    },
  };
}

export type ObjectStore = ReturnType<typeof createObjectStore>;

/** Inflates a whole zlib stream that must come to `size` bytes; more is refused before it is made. */
function inflate(compressed: Uint8Array, size: number): Buffer {
  const out = zlib.inflateSync(compressed, { maxOutputLength: Math.max(1, size) });
  if (out.length !== size) throw new Error(`object inflates to ${out.length} bytes, its header says ${size}`);
  return out;
}

/**
 * What `parse` finds at the start of a zlib stream, inflating as far as the first bytes go and reading
 * more (`read(n)`: up to n bytes from the stream's start) while it finds nothing and more is there.
 */
async function fromPrefix<T>(read: (n: number) => Promise<Buffer>, parse: (head: Buffer) => T | undefined): Promise<T | undefined> {
  for (let n = PREFIX_BYTES; ; n *= 4) {
    const bytes = await read(n);
    const found = parse(zlib.inflateSync(bytes, { finishFlush: zlib.constants.Z_SYNC_FLUSH }));
    if (found !== undefined || bytes.length < n || n >= MAX_PREFIX_BYTES) return found;
  }
}

function looseHeader(head: Buffer): { type: ObjectType; size: number; start: number } | undefined {
  const nul = head.indexOf(0);
  const match = nul < 0 ? null : /^(commit|tree|blob|tag) (\d+)$/.exec(head.toString('latin1', 0, nul));
  return match ? { type: match[1] as ObjectType, size: Number(match[2]), start: nul + 1 } : undefined;
}

/** Least recently used delta bases, bounded in bytes (a base over a quarter of it is not kept). */
function createBaseCache(maxBytes: number) {
  const entries = new Map<string, GitObject>();
  let bytes = 0;
  return {
    get(key: string): GitObject | undefined {
      const hit = entries.get(key);
      if (hit) { entries.delete(key); entries.set(key, hit); }
      return hit;
    },
    set(key: string, value: GitObject): void {
      if (value.data.byteLength > maxBytes / 4 || entries.has(key)) return;
      entries.set(key, value);
      bytes += value.data.byteLength;
      for (const [oldest, old] of entries) {
        if (bytes <= maxBytes) break;
        entries.delete(oldest);
        bytes -= old.data.byteLength;
      }
    },
  };
}
