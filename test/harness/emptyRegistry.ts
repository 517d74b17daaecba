import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A registry (v2 API) on 127.0.0.1 that has no images at all: every manifest is unknown. */
export async function emptyRegistry(t: { teardown(fn: () => unknown): void }): Promise<number> {
  const server: Server = createHttpServer((req, res) => {
    res.setHeader('Docker-Distribution-Api-Version', 'registry/2.0');
    res.setHeader('Content-Type', 'application/json');
    if (req.url === '/v2/' || req.url === '/v2') return res.end('{}');
    res.statusCode = 404;
    res.end(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: {} }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  return (server.address() as AddressInfo).port;
}
