/**
 * Streams multiplexed over one WebSocket (the agent's channel to a master, a client's exec), with
 * flow control per stream and direction, as HTTP/2 does: a sender may have at most WINDOW bytes
 * unreleased by the receiver, who releases them once it has passed them on (`onData`'s `release`).
 * A stream whose reader is slow therefore stops its own writer (`write` answers false, then 'drain'),
 * never the other streams of the socket, and nothing is buffered without bound: a receiver holds at
 * most WINDOW bytes per stream, a sender at most its window plus what it was told to hold back.
 *
 *   opener                       peer
 *     OPEN {header}      →       onOpen(stream)
 *     DATA / MESSAGE     ⇄       DATA / MESSAGE        CREDIT ⇄ as bytes are released
 *     END                ⇄       END                   (no more DATA from that side)
 *     CLOSE {error?}     ⇄                             (the stream is over for both; either may)
 */
import { EventEmitter } from 'node:events';
import { decodeFrame, encodeFrame, FrameType, type Frame } from './frames.js';

/** Bytes a sender may have in flight per stream; a receiver grants more as it releases them. */
export const WINDOW = 256 * 1024;
const MAX_DATA = 64 * 1024;
/** Released bytes are granted back once a quarter of the window has been passed on (fewer CREDIT frames). */
const GRANT_AT = WINDOW / 4;
/** A writer that ignores `false` this far: a bug, and the stream is closed rather than grow. */
const MAX_HELD = 4 * WINDOW;

/** Why a stream ended early: an error code of core/errors/codes.ts and its message. */
export interface StreamError {
  code: string;
  message: string;
}

/** What the mux needs of a WebSocket (ws' WebSocket on both sides). */
export interface MuxSocket {
  send(data: Buffer): void;
  close(code?: number, reason?: string): void;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}

export type DataListener = (channel: number, data: Buffer, release: () => void) => void;

/**
 * One stream. Events: 'message' (body), 'end' (the peer sends no more data), 'close' (error?: the
 * stream is over; no error when both sides ended or it was closed without one), 'drain'.
 */
export class MuxStream extends EventEmitter {
  private credit = WINDOW;
  private readonly held: Array<{ channel: number; data: Buffer }> = [];
  private heldBytes = 0;
  private released = 0;
  private onDataListener: DataListener | undefined;
  private readonly early: Array<{ channel: number; data: Buffer }> = [];
  private endedLocal = false;
  private endedRemote = false;
  closed = false;

  constructor(private readonly mux: Mux, readonly id: number, readonly header: Record<string, unknown>) {
    super();
  }

  /** Sets the one reader of this stream's data; it calls `release` when it has passed the bytes on. */
  onData(listener: DataListener): void {
    this.onDataListener = listener;
    for (const { channel, data } of this.early.splice(0)) this.deliver(channel, data);
  }

  /** Sends bytes on a channel; false when the peer's window is full: wait for 'drain' before writing more. */
  write(channel: number, data: Buffer): boolean {
    if (this.closed || this.endedLocal) return false;
    if (data.length === 0) return this.held.length === 0;
    if (this.held.length > 0 || this.credit < data.length) {
      this.held.push({ channel, data });
      this.heldBytes += data.length;
      if (this.heldBytes > MAX_HELD) this.close({ code: 'INTERNAL_ERROR', message: `stream ${this.id}: its writer went on past a full window` });
      this.flush();
      return this.held.length === 0;
    }
    this.sendData(channel, data);
    return true;
  }

  /** Whether the peer has ended its side ('end' came; a reader attached late asks this). */
  get ended(): boolean {
    return this.endedRemote;
  }

  /** Whether written bytes wait for the peer's window ('drain' comes when they have gone). */
  get holding(): boolean {
    return this.held.length > 0;
  }

  /** Resolves once the bytes written have gone to the peer, or the stream is over (a message or close would pass them). */
  drained(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.holding || this.closed) return resolve();
      this.once('drain', resolve);
      this.once('close', resolve);
    });
  }

  /** A JSON message (an exit code, a resize, a notice), outside the flow control: keep them few. */
  message(body: Record<string, unknown>): void {
    if (!this.closed) this.mux.send({ type: FrameType.MESSAGE, id: this.id, body });
  }

  /** No more data from this side (stdin's end); the stream closes once the peer has ended too. */
  end(): void {
    if (this.closed || this.endedLocal) return;
    this.endedLocal = true;
    if (this.held.length === 0) this.sendEnd();
  }

  /** Ends the stream for both sides at once, with the reason when it failed. */
  close(error?: StreamError): void {
    if (this.closed) return;
    this.mux.send({ type: FrameType.CLOSE, id: this.id, body: error ? { error } : {} });
    this.finish(error);
  }

  /** @internal */
  receive(frame: Frame): void {
    switch (frame.type) {
      case FrameType.DATA:
        if (this.onDataListener) this.deliver(frame.channel, frame.data);
        else this.early.push({ channel: frame.channel, data: frame.data });
        break;
      case FrameType.CREDIT:
        this.credit += frame.bytes;
        this.flush();
        break;
      case FrameType.MESSAGE:
        this.emit('message', frame.body);
        break;
      case FrameType.END:
        this.endedRemote = true;
        this.emit('end');
        if (this.endedLocal && this.held.length === 0) this.close();
        break;
      case FrameType.CLOSE:
        this.finish(frame.body.error as StreamError | undefined);
        break;
    }
  }

  /** @internal: the socket went away, or the peer closed the stream. */
  finish(error?: StreamError): void {
    if (this.closed) return;
    this.closed = true;
    this.held.length = 0;
    this.mux.forget(this.id);
    this.emit('close', error);
  }

  private deliver(channel: number, data: Buffer): void {
    let done = false;
    this.onDataListener!(channel, data, () => {
      if (done || this.closed) return;
      done = true;
      this.released += data.length;
      if (this.released >= GRANT_AT) {
        this.mux.send({ type: FrameType.CREDIT, id: this.id, bytes: this.released });
        this.released = 0;
      }
    });
  }

  private sendData(channel: number, data: Buffer): void {
    for (let at = 0; at < data.length; at += MAX_DATA) {
      this.mux.send({ type: FrameType.DATA, id: this.id, channel, data: data.subarray(at, at + MAX_DATA) });
    }
    this.credit -= data.length;
  }

  private flush(): void {
    const wasHolding = this.held.length > 0;
    while (this.held.length > 0 && this.credit > 0) {
      const next = this.held[0];
      const part = next.data.subarray(0, this.credit);
      this.sendData(next.channel, part);
      this.heldBytes -= part.length;
      if (part.length === next.data.length) this.held.shift();
      else next.data = next.data.subarray(part.length);
    }
    if (this.held.length > 0) return;
    if (this.endedLocal) {
      if (wasHolding) this.sendEnd();
      return;
    }
    if (wasHolding) this.emit('drain');
  }

  private sendEnd(): void {
    this.mux.send({ type: FrameType.END, id: this.id });
    if (this.endedRemote) this.close();
  }
}

export interface MuxOptions {
  /** Stream ids this side opens: odd (1) or even (0), the peer the other. */
  parity: 0 | 1;
  /** A stream the peer opened; its header says what for. */
  onOpen?: (stream: MuxStream) => void;
  /** The socket ended: every stream was closed with CHANNEL_CLOSED. */
  onClose?: () => void;
  /** A frame this side cannot read: the socket is closed. */
  onProtocolError?: (reason: string) => void;
}

/**
 * Many streams over one socket.
 * @example
 *   const mux = new Mux(ws, { parity: 1 });
 *   const logs = mux.open({ kind: 'logs', jobId, follow: true });
 *   logs.onData((channel, data, release) => { if (res.write(data)) release(); else res.once('drain', release); });
 */
export class Mux {
  private readonly streams = new Map<number, MuxStream>();
  private nextId: number;
  closed = false;

  constructor(private readonly socket: MuxSocket, private readonly options: MuxOptions) {
    this.nextId = options.parity === 1 ? 1 : 2;
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('close', () => this.shutDown({ code: 'AGENT_NOT_CONNECTED', message: 'the channel closed' }));
  }

  /** Opens a stream to the peer. */
  open(header: Record<string, unknown>): MuxStream {
    const id = this.nextId;
    this.nextId = this.nextId + 2 > 0xffff_fffe ? this.nextId % 2 || 2 : this.nextId + 2;
    const stream = new MuxStream(this, id, header);
    this.streams.set(id, stream);
    if (this.closed) queueMicrotask(() => stream.finish({ code: 'AGENT_NOT_CONNECTED', message: 'the channel is closed' }));
    else this.send({ type: FrameType.OPEN, id, body: header });
    return stream;
  }

  /** Streams open now. */
  get size(): number {
    return this.streams.size;
  }

  /** Closes the socket; every stream ends with `error`. */
  close(error: StreamError = { code: 'AGENT_NOT_CONNECTED', message: 'the channel closed' }): void {
    this.shutDown(error);
    this.socket.close(1000);
  }

  /** @internal */
  send(frame: Frame): void {
    if (!this.closed) this.socket.send(encodeFrame(frame));
  }

  /** @internal */
  forget(id: number): void {
    this.streams.delete(id);
  }

  private receive(data: Buffer, isBinary: boolean): void {
    const frame = isBinary ? decodeFrame(data) : 'a text message';
    if (typeof frame === 'string') {
      this.options.onProtocolError?.(frame);
      this.close({ code: 'INTERNAL_ERROR', message: `the peer sent ${frame}` });
      return;
    }
    if (frame.type === FrameType.OPEN) {
      if (frame.id % 2 === this.options.parity % 2 || this.streams.has(frame.id)) return;
      const stream = new MuxStream(this, frame.id, frame.body);
      this.streams.set(frame.id, stream);
      if (this.options.onOpen) this.options.onOpen(stream);
      else stream.close({ code: 'NOT_FOUND', message: 'this side opens no streams' });
      return;
    }
    // A frame of a stream already closed here (its CLOSE crossed the peer's frames) is dropped.
    this.streams.get(frame.id)?.receive(frame);
  }

  private shutDown(error: StreamError): void {
    if (this.closed) return;
    this.closed = true;
    for (const stream of [...this.streams.values()]) stream.finish(error);
    this.options.onClose?.();
  }
}
