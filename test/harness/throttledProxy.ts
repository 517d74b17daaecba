/**
 * A TCP front for a server on 127.0.0.1 port 0 that passes requests through at once and answers at
 * most `bytesPerSecond` per connection, so a pull from a local registry lasts long enough to watch.
 * @example
 *   const slow = await startThrottledProxy(`http://${registry.host}`, 8_000_000); t.teardown(slow.close);
 *   // pull `${slow.host}/private/big:1`
 */
import net from 'node:net';
import { Transform } from 'node:stream';

export interface ThrottledProxy {
  /** `127.0.0.1:PORT`. */
  host: string;
  close(): Promise<void>;
}

/** Passes chunks on at `bytesPerSecond`, cut into pieces of a tenth of a second's worth. */
function pacer(bytesPerSecond: number): Transform {
  const piece = Math.max(1, Math.floor(bytesPerSecond / 10));
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const send = (offset: number) => {
        if (offset >= chunk.length) return done();
        const part = chunk.subarray(offset, offset + piece);
        this.push(part);
        setTimeout(() => send(offset + part.length), (part.length / bytesPerSecond) * 1000);
      };
      send(0);
    },
  });
}

export async function startThrottledProxy(target: string, bytesPerSecond: number): Promise<ThrottledProxy> {
  const { hostname, port } = new URL(target);
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => { client.destroy(); upstream.destroy(); });
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(pacer(bytesPerSecond)).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () => new Promise((resolve) => {
      for (const socket of open) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
