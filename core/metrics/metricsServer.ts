/**
 * `--metrics ADDR` of the agent and the syncer: GET /metrics in Prometheus' text format on an
 * address of its own. The registry is the component's (prom-client's `Registry` is a MetricsSource);
 * this file does not load prom-client, so nothing that imports core/ pays for it. There is no
 * authentication: the address is loopback unless the flag names another host.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What is served: prom-client's Registry has both. */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

export interface MetricsAddress { host: string; port: number }

export interface MetricsServer {
  /** `http://HOST:PORT` (the port the system gave for port 0). */
  url: string;
  close(): Promise<void>;
}

export class MetricsAddressError extends Error {
  override name = 'MetricsAddressError';
}

/**
 * `PORT`, `HOST:PORT` or `[IPv6]:PORT`; no host (or `:PORT`) is 127.0.0.1.
 * @example parseMetricsAddress('9101') // { host: '127.0.0.1', port: 9101 }
 */
export function parseMetricsAddress(text: string, flag = '--metrics'): MetricsAddress {
  const match = /^(?:(?:\[([^\]]+)\]|([^:[\]]*)):)?(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65_535) throw new MetricsAddressError(`${flag}: expected PORT or HOST:PORT (e.g. 127.0.0.1:9101), got ${JSON.stringify(text)}`);
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

/**
 * Serves `source` at GET /metrics on `address` until closed; anything else is 404.
 * @example
 *   const server = await serveMetrics({ host: '127.0.0.1', port: 9101 }, registry, '--metrics');
 */
export async function serveMetrics(address: MetricsAddress, source: MetricsSource, flag = '--metrics'): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics here\n');
      return;
    }
    source.metrics().then(
      (text) => response.writeHead(200, { 'content-type': source.contentType }).end(request.method === 'HEAD' ? undefined : text),
      (err: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${err instanceof Error ? err.message : String(err)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new MetricsAddressError(
      `${flag} ${address.host}:${address.port}: cannot listen (${err.code ?? err.message})${err.code === 'EADDRINUSE' ? ': the port is taken, give another' : ''}`)));
    server.listen(address.port, address.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}
