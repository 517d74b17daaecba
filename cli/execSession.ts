import { HeliosError } from '../core/errors/HeliosError.js';
import { isErrorCode } from '../core/errors/codes.js';
import type { MasterConnection } from './command.js';

const INPUT_PART = 64 * 1024;

/** A command to run in a job's container on a host (`GET /jobs/:id/exec`, master/README.md). */
export interface ExecRequest {
  jobId: string;
  /** The host's exact name. */
  host: string;
  command: readonly string[];
  /** Give the command a terminal (its stderr then comes on stdout), of this size when given. */
  tty?: boolean;
  size?: { cols: number; rows: number };
  /** The command's standard input, sent as the command takes it; none: it reads an empty one. */
  input?: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

export interface ExecIo {
  /** Each chunk of the command's output; `release` once passed on (the master sends no more than a window ahead). */
  output(stream: 'stdout' | 'stderr', data: Buffer, release: () => void): void;
  /** Once the command runs: its terminal's size may be changed from then on. */
  started?(control: { resize(cols: number, rows: number): void }): void;
  /** Stops waiting for the command (its stdin is closed; Docker cannot kill an exec): rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Runs a command in the job's container on the host, through the master and the host's agent, and
 * resolves with its exit code. Refusals are the master's HeliosErrors (FORBIDDEN, JOB_NOT_DEPLOYED,
 * AGENT_NOT_CONNECTED…); a stream the agent failed is its code, prefixed by the host; a socket the
 * master closed first is MASTER_UNREACHABLE.
 */
export async function runExec(connection: MasterConnection, request: ExecRequest, io: ExecIo): Promise<number> {
  const [{ openMasterSocket }, { attachExecClient }, { Channel }] = await Promise.all([
    import('./masterStream.js'), import('../core/channel/execClient.js'), import('../core/channel/frames.js')]);
  io.signal?.throwIfAborted();
  const { host } = request;
  const q = new URLSearchParams({ host });
  for (const word of request.command) q.append('command', word);
  if (request.tty) q.set('tty', 'true');
  if (request.input) q.set('stdin', 'true');
  if (request.tty && request.size) {
    q.set('cols', String(request.size.cols));
    q.set('rows', String(request.size.rows));
  }
  let resolve!: (code: number) => void;
  let reject!: (err: unknown) => void;
  const ended = new Promise<number>((res, rej) => { resolve = res; reject = rej; });
  const ws = await openMasterSocket(connection, `/jobs/${encodeURIComponent(request.jobId)}/exec?${q}`, (socket) => {
    socket.once('close', () => reject(new HeliosError('MASTER_UNREACHABLE', 'the master closed the exec before the command ended')));
    attachExecClient(socket as never, {
      output: io.output,
      ended: ({ exitCode, error }) => {
        socket.close();
        if (error) reject(new HeliosError(isErrorCode(error.code) ? error.code : 'INTERNAL_ERROR', `${host}: ${error.message}`));
        else resolve(exitCode ?? 1);
      },
      opened: (stream) => {
        io.started?.({ resize: (cols, rows) => stream.message({ resize: { cols, rows } }) });
        if (!request.input) return stream.end();
        void (async () => {
          try {
            for await (const chunk of request.input!) {
              // A part at a time: the stream holds back at most a few windows of what is written past its window.
              for (let at = 0; at < chunk.byteLength && !stream.closed; at += INPUT_PART) {
                if (!stream.write(Channel.STDIN, Buffer.from(chunk.buffer, chunk.byteOffset + at, Math.min(INPUT_PART, chunk.byteLength - at)))) await stream.drained();
              }
              if (stream.closed) break;
            }
          } catch {
            // The input failed or was closed as the command ended: the command's stdin ends here.
          }
          stream.end();
        })();
      },
    });
  });
  const abort = () => {
    ws.terminate();
    reject(io.signal!.reason);
  };
  if (io.signal?.aborted) abort();
  else io.signal?.addEventListener('abort', abort, { once: true });
  try {
    return await ended;
  } finally {
    io.signal?.removeEventListener('abort', abort);
  }
}
