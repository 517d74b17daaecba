/**
 * The frames of a multiplexed channel (mux.ts), one per binary WebSocket message:
 *
 *   byte 0     type (below)
 *   bytes 1-4  stream id, unsigned big-endian (the opener's: odd for one side, even for the other)
 *   bytes 5-   payload: OPEN, MESSAGE and CLOSE a JSON object; DATA one byte of channel, then bytes;
 *              CREDIT an unsigned 32-bit byte count; END nothing
 */
export const FrameType = { OPEN: 1, DATA: 2, CREDIT: 3, MESSAGE: 4, END: 5, CLOSE: 6 } as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

/** DATA channels: a process's standard streams. */
export const Channel = { STDIN: 0, STDOUT: 1, STDERR: 2 } as const;

export type Frame =
  | { type: typeof FrameType.OPEN | typeof FrameType.MESSAGE | typeof FrameType.CLOSE; id: number; body: Record<string, unknown> }
  | { type: typeof FrameType.DATA; id: number; channel: number; data: Buffer }
  | { type: typeof FrameType.CREDIT; id: number; bytes: number }
  | { type: typeof FrameType.END; id: number };

const HEAD = 5;

function head(type: FrameType, id: number, payloadBytes: number): Buffer {
  const buf = Buffer.allocUnsafe(HEAD + payloadBytes);
  buf[0] = type;
  buf.writeUInt32BE(id, 1);
  return buf;
}

export function encodeFrame(frame: Frame): Buffer {
  switch (frame.type) {
    case FrameType.DATA: {
      const buf = head(frame.type, frame.id, 1 + frame.data.length);
      buf[HEAD] = frame.channel;
      frame.data.copy(buf, HEAD + 1);
      return buf;
    }
    case FrameType.CREDIT: {
      const buf = head(frame.type, frame.id, 4);
      buf.writeUInt32BE(frame.bytes, HEAD);
      return buf;
    }
    case FrameType.END:
      return head(frame.type, frame.id, 0);
    default: {
      const json = Buffer.from(JSON.stringify(frame.body));
      const buf = head(frame.type, frame.id, json.length);
      json.copy(buf, HEAD);
      return buf;
    }
  }
}

/** The frame in `buf`, or a string saying why it is none (the channel is then closed: its peer speaks another protocol). */
export function decodeFrame(buf: Buffer): Frame | string {
  if (buf.length < HEAD) return `a frame of ${buf.length} bytes`;
  const type = buf[0];
  const id = buf.readUInt32BE(1);
  const payload = buf.subarray(HEAD);
  switch (type) {
    case FrameType.DATA:
      return payload.length < 1 ? 'a DATA frame without its channel' : { type, id, channel: payload[0], data: payload.subarray(1) };
    case FrameType.CREDIT:
      return payload.length !== 4 ? 'a CREDIT frame without its count' : { type, id, bytes: payload.readUInt32BE(0) };
    case FrameType.END:
      return { type, id };
    case FrameType.OPEN: case FrameType.MESSAGE: case FrameType.CLOSE: {
      let body: unknown;
      try {
        body = JSON.parse(payload.toString('utf8'));
      } catch {
        return `a frame of type ${type} whose body is not JSON`;
      }
      return typeof body === 'object' && body !== null && !Array.isArray(body) ? { type, id, body: body as Record<string, unknown> } : `a frame of type ${type} whose body is not an object`;
    }
    default:
      return `a frame of unknown type ${type}`;
  }
}
