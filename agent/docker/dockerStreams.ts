import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import Docker from 'dockerode';
import { dockerConnection } from './dockerHost.js';
import { translateDockerError } from './errors.js';

/** How long the engine may take to answer a logs or exec request (the stream then runs as long as it runs). */
const START_MS = 15_000;

export interface LogsRequest {
  follow: boolean;
  stdout: boolean;
  stderr: boolean;
  tail?: number;
  /** Seconds since the epoch (fractions allowed). */
  since?: number;
}

export interface ExecRequest {
  command: string[];
  tty: boolean;
  stdin: boolean;
  cols?: number;
  rows?: number;
}

export interface StartedExec {
  /** The process's standard streams: Docker's multiplexed frames (demux.ts), raw bytes with a tty. */
  socket: Duplex;
  resize(cols: number, rows: number): Promise<void>;
  /** The exit code, once the process has ended. */
  exitCode(): Promise<number | null>;
}

/**
 * The streaming calls of the engine (`docker logs`, `docker exec`), apart from the adapter's calls
 * with answers: each is started with a timeout, then flows for as long as its reader wants.
 */
export function createDockerStreams(dockerHost: string) {
  const docker = new Docker(dockerConnection(dockerHost));

  return {
    /** `docker logs --timestamps`: Docker's multiplexed frames (demux.ts), read as slowly as the caller reads. */
    logs: async (containerId: string, r: LogsRequest): Promise<IncomingMessage> => {
      // Aborted only until the engine answers: the signal stays with the stream, which may flow for days.
      const starting = new AbortController();
      const timer = setTimeout(() => starting.abort(new DOMException('timed out', 'TimeoutError')), START_MS);
      try {
        return await new Promise<IncomingMessage>((resolve, reject) => {
          docker.modem.dial({
            path: `/containers/${containerId}/logs?`, method: 'GET', isStream: true, abortSignal: starting.signal,
            statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
            options: { follow: r.follow, stdout: r.stdout, stderr: r.stderr, timestamps: true, tail: r.tail ?? 'all', ...(r.since !== undefined && { since: r.since }) },
          }, (err: unknown, stream: unknown) => (err ? reject(err) : resolve(stream as IncomingMessage)));
        });
      } catch (err) {
        throw translateDockerError('logs', err, START_MS);
      } finally {
        clearTimeout(timer);
      }
    },

    exec: async (containerId: string, r: ExecRequest): Promise<StartedExec> => {
      try {
        const exec = await docker.getContainer(containerId).exec({
          Cmd: r.command, AttachStdin: r.stdin, AttachStdout: true, AttachStderr: true, Tty: r.tty,
        });
        const socket = await exec.start({ hijack: true, stdin: r.stdin, Tty: r.tty }) as unknown as Duplex;
        // The tty's first size (ConsoleSize at creation needs Docker 23). Until the process has started the
        // engine refuses a resize, so it is tried again a few times, as the docker CLI does.
        if (r.tty && r.cols && r.rows) await firstSize(() => exec.resize({ w: r.cols, h: r.rows }));
        return {
          socket,
          resize: async (cols, rows) => { await exec.resize({ w: cols, h: rows }); },
          exitCode: async () => (await exec.inspect()).ExitCode ?? null,
        };
      } catch (err) {
        throw translateDockerError('exec', err, START_MS);
      }
    },
  };
}

export type DockerStreams = ReturnType<typeof createDockerStreams>;

async function firstSize(resize: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; attempt <= 10; attempt++) {
    try {
      await resize();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt));
    }
  }
}
