/**
 * A TCP front for a server (a git server here), on 127.0.0.1 port 0, that can be switched between
 * passing connections through and stalling them: a stalled connection is accepted and then never
 * answered, as by a hung server or a proxy that lost its upstream. The address stays the same, so a
 * client sees one server that stops answering and comes back.
 * @example
 *   const front = await startStallingProxy(gitServer.url);
 *   front.stall();   // new connections hang
 *   front.forward(); // and go through again
 */
import net from 'node:net';

export interface StallingProxy {
  /** `http://127.0.0.1:PORT`, the target's paths behind it. */
  url: string;
  /** Connections accepted so far, stalled or not. */
  readonly connections: number;
  /** Connections accepted while stalling. */
  readonly stalled: number;
  stall(): void;
  forward(): void;
  close(): Promise<void>;
}

export async function startStallingProxy(target: string): Promise<StallingProxy> {
  const { hostname, port } = new URL(target);
  const open = new Set<net.Socket>();
  let stalling = false;
  let connections = 0;
  let stalled = 0;
  const server = net.createServer((client) => {
    connections++;
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => {});
    if (stalling) {
      // Accepted, read from, never answered.
      stalled++;
      client.resume();
      return;
    }
    const upstream = net.connect(Number(port), hostname);
    open.add(upstream);
    upstream.on('close', () => { open.delete(upstream); client.destroy(); });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    get connections() { return connections; },
    get stalled() { return stalled; },
    stall() {
      stalling = true;
    },
    forward() {
      stalling = false;
      // What hung stays hung until its client gives up; only new connections go through.
    },
    close: () => new Promise<void>((resolve) => {
      for (const socket of open) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
