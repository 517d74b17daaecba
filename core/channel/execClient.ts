/**
 * A client's side of an exec (`GET /jobs/:id/exec`, master/README.md): the master opens one stream on
 * the socket; its STDOUT and STDERR data are the command's output, its last MESSAGE `{exit: CODE}`, then
 * its END. Shared by the CLI (cli/execSession.ts) and the dashboard's terminal (ui/terminal.ts).
 */
import { Channel } from './frames.js';
import { Mux, type MuxSocket, type MuxStream, type StreamError } from './mux.js';

export interface ExecClient {
  /** Each chunk of output; `release` once passed on (the master sends no more than a window ahead). */
  output(stream: 'stdout' | 'stderr', data: Buffer, release: () => void): void;
  /** The stream is open: the command's stdin and resizes go on it. */
  opened(stream: MuxStream): void;
  /** The stream is over: the command's exit code (null when none came), or why it failed. */
  ended(end: { exitCode: number | null; error?: StreamError }): void;
  /** The socket closed (after `ended` when a stream was open). */
  closed?(): void;
}

export function attachExecClient(socket: MuxSocket, client: ExecClient): Mux {
  return new Mux(socket, {
    parity: 0,
    onClose: client.closed,
    onOpen: (stream) => {
      let exitCode: number | null = null;
      stream.onData((channel, data, release) => client.output(channel === Channel.STDERR ? 'stderr' : 'stdout', data, release));
      stream.on('message', (body: { exit?: unknown }) => { if (typeof body.exit === 'number') exitCode = body.exit; });
      stream.on('end', () => stream.end());
      stream.once('close', (error?: StreamError) => client.ended({ exitCode, error }));
      client.opened(stream);
    },
  });
}
