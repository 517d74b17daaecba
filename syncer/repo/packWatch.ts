/**
 * Watches a git-upload-pack answer as it streams to isomorphic-git and fails it at the first object
 * larger than `maxObjectBytes`, from the object's header (a delta: from the size of what it makes),
 * before isomorphic-git has the pack. Its fetch inflates every object of the pack whole to index it:
 * a 1,000 MB blob of one repeated byte, about 1 MB in git, cost the syncer 89 s and 4.2 GB (review F11).
 * The answer's bytes pass on unchanged. Objects within the limit are inflated here only to find where
 * the next one starts, each at most twice over (a retry waits for twice the bytes), and let go.
 */
import { inflateSync, constants } from 'node:zlib';

/** An object of the fetched pack over the limit; never retried (the same commit sends it again). */
export class GitObjectTooLargeError extends Error {
  readonly code = 'GIT_OBJECT_TOO_LARGE' as const;
  override name = 'GitObjectTooLargeError';
}

const OFS_DELTA = 6;
const REF_DELTA = 7;
const TYPES = ['', 'commit', 'tree', 'blob', 'tag', '', 'delta', 'delta'];

/** The bytes of `body`, unchanged; throws GitObjectTooLargeError instead of passing on the chunk that shows one. */
export async function* watchPack(body: AsyncIterable<Uint8Array>, maxObjectBytes: number, flag: string): AsyncGenerator<Uint8Array> {
  const pack = createPackReader(maxObjectBytes, flag);
  const lines = createPktLineReader((data) => pack.push(data));
  for await (const chunk of body) {
    lines.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    yield chunk;
  }
}

/**
 * Protocol v1 with side-band: pkt-lines (4 hex digits of length, 0000 a flush), band 1 of a side-band
 * line being pack data. A server without side-band sends the pack raw after its last pkt-line.
 */
function createPktLineReader(onPack: (data: Buffer) => void) {
  let buffered: Buffer = Buffer.alloc(0);
  let raw = false;
  let lost = false;
  return {
    push(chunk: Buffer) {
      if (lost) return;
      if (raw) return onPack(chunk);
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      while (buffered.length >= 4) {
        if (buffered.subarray(0, 4).toString('latin1') === 'PACK') {
          raw = true;
          onPack(buffered);
          buffered = Buffer.alloc(0);
          return;
        }
        const hex = buffered.subarray(0, 4).toString('latin1');
        const length = /^[0-9a-f]{4}$/i.test(hex) ? Number.parseInt(hex, 16) : -1;
        if (length < 0 || length === 1 || length === 2 || length === 3) {
          // Not pkt-lines: isomorphic-git reads it and says what is wrong; nothing more is kept here.
          lost = true;
          buffered = Buffer.alloc(0);
          return;
        }
        const size = length === 0 ? 4 : length;
        if (buffered.length < size) return;
        if (length > 4 && buffered[4] === 1) onPack(buffered.subarray(5, size));
        buffered = buffered.subarray(size);
      }
    },
  };
}

/** Object headers of a pack stream, checked as soon as each is complete. */
function createPackReader(maxObjectBytes: number, flag: string) {
  // Chunks are joined only when read, so an object's bytes are copied about twice, not once per chunk.
  let parts: Buffer[] = [];
  let total = 0;
  let headerDone = false;
  let left = 0;
  let attemptAt = 0;
  let current: { type: number; size: number; deltaChecked: boolean } | undefined;
  const joined = () => {
    if (parts.length > 1) parts = [Buffer.concat(parts, total)];
    return parts[0] ?? Buffer.alloc(0);
  };
  const drop = (n: number) => {
    const rest = joined().subarray(n);
    parts = rest.length ? [rest] : [];
    total = rest.length;
  };
  const tooLarge = (what: string, size: number) => {
    throw new GitObjectTooLargeError(`the commit holds a git ${what} of ${size} bytes, over the ${maxObjectBytes}-byte limit for one object (${flag}); `
      + 'keep large files out of the repository the syncer follows');
  };

  const step = (): boolean => {
    if (!headerDone) {
      if (total < 12) return false;
      left = joined().readUInt32BE(8);
      drop(12);
      headerDone = true;
    }
    if (left === 0) return false;
    if (!current) {
      const header = readObjectHeader(joined());
      if (!header) return false;
      if (header.size > maxObjectBytes) tooLarge(TYPES[header.type] || 'object', header.size);
      current = { type: header.type, size: header.size, deltaChecked: header.type !== OFS_DELTA && header.type !== REF_DELTA };
      drop(header.dataAt);
      attemptAt = 32;
    }
    if (total < attemptAt) return false;
    attemptAt = total * 2;
    const data = joined();
    // Partial input gives what it can (Z_SYNC_FLUSH); the stream has ended once bytes are left after it.
    const { buffer: out, engine } = inflateSync(data, { info: true, finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: current.size + 1 }) as unknown as
      { buffer: Buffer; engine: { bytesWritten: number } };
    if (!current.deltaChecked) {
      const result = deltaResultSize(out);
      if (result !== undefined) {
        if (result > maxObjectBytes) tooLarge('object (made by a delta)', result);
        current.deltaChecked = true;
      }
    }
    if (out.length !== current.size || engine.bytesWritten >= data.length) return false;
    drop(engine.bytesWritten);
    current = undefined;
    left -= 1;
    return true;
  };

  let watching = true;
  return {
    push(data: Buffer) {
      if (!watching || (headerDone && left === 0)) return;
      parts.push(data);
      total += data.length;
      try {
        while (step());
      } catch (err) {
        if (err instanceof GitObjectTooLargeError) throw err;
        // Not a pack this reader understands: isomorphic-git reads it and says what is wrong.
        watching = false;
        parts = [];
      }
    },
  };
}

/** An object's header: type, size (of its data; a delta's, for a delta) and where its zlib data starts; undefined until complete. */
function readObjectHeader(bytes: Buffer): { type: number; size: number; dataAt: number } | undefined {
  let i = 0;
  let byte = bytes[i++];
  if (byte === undefined) return undefined;
  const type = (byte >> 4) & 7;
  let size = byte & 15;
  let shift = 4;
  while (byte & 0x80) {
    byte = bytes[i++];
    if (byte === undefined) return undefined;
    size += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  }
  if (type === OFS_DELTA) {
    do {
      byte = bytes[i++];
      if (byte === undefined) return undefined;
    } while (byte & 0x80);
  } else if (type === REF_DELTA) {
    i += 20;
    if (i > bytes.length) return undefined;
  }
  return { type, size, dataAt: i };
}

/** The size of what a delta makes: its data starts with two sizes (its base's, then that), 7 bits a byte. */
function deltaResultSize(delta: Buffer): number | undefined {
  let i = 0;
  let size = 0;
  for (let n = 0; n < 2; n++) {
    size = 0;
    let shift = 0;
    let byte: number | undefined;
    do {
      byte = delta[i++];
      if (byte === undefined) return undefined;
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
  }
  return size;
}
