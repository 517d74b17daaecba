import type { ExecOpen } from '../../core/index.js';
import type { MuxStream } from '../../core/channel/mux.js';
import { Channel } from '../../core/channel/frames.js';
import type { DockerStreams } from '../docker/dockerStreams.js';
import { createDemux } from '../docker/demux.js';
import type { ObservedContainer } from '../docker/dockerAdapter.js';
import type { Logger } from 'pino';

export interface ExecDeps {
  streams: DockerStreams;
  containers(jobId: string): Promise<ObservedContainer[]>;
  log: Logger;
}

/**
 * Serves a master's exec stream: `docker exec` in the task's running container. STDIN data goes to
 * the process (END closes its input), its output comes back on STDOUT and STDERR (all on STDOUT with a
 * tty), `{resize}` messages resize the tty; when the process ends, `{exit: CODE}`, then END. Output is
 * read from the engine no faster than the master takes it, and input written no faster than the
 * engine takes it.
 */
export async function serveExec(stream: MuxStream, open: ExecOpen, d: ExecDeps): Promise<void> {
  const container = (await d.containers(open.jobId)).find((c) => c.running);
  if (!container) return stream.close({ code: 'CONTAINER_NOT_FOUND', message: `job ${open.jobId} has no running container on this host` });
  // The host's own record of a shell on its container, beside the master's audit entry.
  const log = d.log.child({ jobId: open.jobId, containerId: container.id });
  const exec = await d.streams.exec(container.id, open);
  log.info({ command: open.command, tty: open.tty, stdin: open.stdin }, 'exec started');
  const { socket } = exec;
  const send = (channel: number, data: Buffer) => {
    if (!stream.write(channel, data)) {
      socket.pause();
      stream.once('drain', () => socket.resume());
    }
  };
  const demux = createDemux((which, payload) => send(which === Channel.STDERR ? Channel.STDERR : Channel.STDOUT, payload));
  socket.on('data', (chunk: Buffer) => (open.tty ? send(Channel.STDOUT, chunk) : demux.push(chunk)));
  stream.onData((_channel, data, release) => {
    if (socket.write(data)) release();
    else socket.once('drain', release);
  });
  // The end of the input closes the process's stdin (without one attached, the engine would take a
  // half-closed connection for the end of it all). It may have come while the exec was being started.
  if (open.stdin) {
    if (stream.ended) socket.end();
    else stream.on('end', () => socket.end());
  }
  stream.on('message', (body: { resize?: { cols?: unknown; rows?: unknown } }) => {
    const { cols, rows } = body.resize ?? {};
    if (!open.tty || !Number.isInteger(cols) || !Number.isInteger(rows)) return;
    log.debug({ cols, rows }, 'exec resized');
    void exec.resize(cols as number, rows as number).catch((err: unknown) => log.debug({ err }, 'exec resize refused'));
  });
  stream.once('close', () => socket.destroy());
  socket.once('error', () => socket.destroy());
  await new Promise((resolve) => socket.once('close', resolve));
  if (stream.closed) return log.info('exec ended: its client went away');
  const code = await exec.exitCode().catch(() => null);
  log.info({ exitCode: code }, 'exec ended');
  await stream.drained(); // the message would pass the output still held
  stream.message({ exit: code });
  stream.end();
}
