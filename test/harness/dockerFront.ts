/**
 * An HTTP front for a Docker engine on a unix socket of its own: every request goes through to the
 * engine (streamed both ways: events, pulls), except the container starts it is told to fail, which it
 * answers as a dockerd does in its shutdown on a loaded machine: over a connection it kept alive, a 500
 * "failed to update store for object type *libnetwork.endpoint: open : no such file or directory".
 * An agent given `dockerHost` sees one engine whose next start fails that way. No upgrades (exec health
 * checks, attach): those requests are answered 501.
 * @example
 *   const front = await startDockerFront(dockerHost()); t.teardown(front.close);
 *   const agent = await startTestAgent(t, master, { dockerHost: front.dockerHost });
 *   front.failStarts(1);
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { tempDir } from './processes.js';

export interface DockerFront {
  /** `unix://…/docker.sock`. */
  dockerHost: string;
  /** Answers the next `count` container starts with dockerd's shutdown failure instead of passing them on. */
  failStarts(count: number): void;
  /** The container ids whose start it failed, in order. */
  readonly failedStarts: readonly string[];
  close(): Promise<void>;
}

/** What dockerd 20.10 answered a start with after its "Daemon shutdown complete" (test/faults/dockerRestart). */
export const SHUTDOWN_START_ERROR = 'failed to update store for object type *libnetwork.endpoint: open : no such file or directory';

export async function startDockerFront(engine: string): Promise<DockerFront> {
  if (!engine.startsWith('unix://')) throw new Error(`startDockerFront needs a unix:// engine, not ${engine}`);
  const engineSocket = engine.slice('unix://'.length);
  const dir = await tempDir('hdf-');
  const socketPath = join(dir.path, 'docker.sock');
  const open = new Set<Socket>();
  const failedStarts: string[] = [];
  let toFail = 0;

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const upstream = request({ socketPath: engineSocket, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  };

  const server = createServer((req, res) => {
    const start = req.method === 'POST' ? /^(?:\/v[\d.]+)?\/containers\/([^/]+)\/start(?:\?|$)/.exec(req.url ?? '') : null;
    if (start && toFail > 0) {
      toFail -= 1;
      failedStarts.push(start[1]);
      req.resume();
      res.writeHead(500, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: SHUTDOWN_START_ERROR }));
      return;
    }
    forward(req, res);
  });
  server.on('connection', (socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  server.on('upgrade', (_req, socket: Socket) => socket.end('HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\n\r\n'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });
  return {
    dockerHost: `unix://${socketPath}`,
    failStarts(count) { toFail = count; },
    get failedStarts() { return failedStarts; },
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dir.cleanup();
    },
  };
}
