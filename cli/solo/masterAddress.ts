/**
 * Solo's `--http HOST:PORT`: parsed as helios-master parses it, the URL solo's own client uses, and a
 * check before starting that the port is free, so a second `npm start` (or another program on 5801)
 * gets one clear sentence instead of the master's EADDRINUSE stack.
 */
import { createServer } from 'node:net';
import { HeliosError } from '../../core/errors/HeliosError.js';

export interface MasterAddress {
  host: string;
  port: number;
  /** The URL clients use: a wildcard listen address is reached on 127.0.0.1. */
  url: string;
}

/** `HOST:PORT`, `[::1]:PORT` or `:PORT` (127.0.0.1). */
export function parseMasterAddress(text: string): MasterAddress {
  const m = /^(?:\[([^\]]+)\]|([^:/]*)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535) {
    throw new HeliosError('INVALID_ARGUMENT', `--http: expected HOST:PORT (e.g. 127.0.0.1:5801), got '${text}'`);
  }
  const host = m[1] ?? (m[2] || '127.0.0.1');
  const reach = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return { host, port, url: `http://${reach.includes(':') ? `[${reach}]` : reach}:${port}` };
}

/** Fails with what to do when something already listens on the address. */
export async function ensurePortFree(address: MasterAddress, isHeliosMaster: () => Promise<boolean>): Promise<void> {
  const error = await tryListen(address.host, address.port);
  if (error === null) return;
  if (error.code !== 'EADDRINUSE') {
    throw new HeliosError('INVALID_ARGUMENT', `--http ${address.host}:${address.port}: cannot listen there (${error.code ?? error.message})`);
  }
  const what = (await isHeliosMaster()) ? `a helios master already runs at ${address.url} (another helios solo?)` : `${address.host}:${address.port} is in use by another program`;
  throw new HeliosError('INVALID_ARGUMENT', `${what}: stop it, or give another address, e.g. npm start -- --http 127.0.0.1:${address.port + 1}`);
}

function tryListen(host: string, port: number): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}
