/**
 * The client's node:http(s) fetch closes an idle keep-alive socket itself a second before the server's
 * `Keep-Alive: timeout=N` hint, over http and https alike. Its https agent had no idle timeout, so it
 * ignored the hint and kept the socket until the server closed it: a request sent at that moment met
 * ECONNRESET or "socket hang up". Real servers on 127.0.0.1, a real CA.
 */
import test, { type ExecutionContext } from 'ava';
import { createServer as createHttpServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFile } from 'node:fs/promises';
import type { AddressInfo, Socket } from 'node:net';
import { createHttpFetch } from '../core/client/httpFetch.js';
import { makeCerts } from './harness/certs.js';

/** The server's keep-alive: it announces `timeout=3` and closes an idle socket after 3 s. */
const SERVER_IDLE_MS = 3_000;

async function idleClose(t: ExecutionContext, server: Server, scheme: 'http' | 'https', tls?: { ca: string }) {
  server.keepAliveTimeout = SERVER_IDLE_MS;
  const sockets: Socket[] = [];
  // The client's FIN: the server sees 'end' only when the client closes first.
  const clientClosed: Array<Promise<number>> = [];
  server.on(scheme === 'https' ? 'secureConnection' : 'connection', (socket: Socket) => {
    sockets.push(socket);
    clientClosed.push(new Promise((resolve) => socket.once('end', () => resolve(Date.now()))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  const url = new URL(`${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}/version`);
  const fetch = createHttpFetch(tls);
  const ask = () => fetch(url, { method: 'GET', headers: {}, signal: AbortSignal.timeout(5_000) }).then((r) => r.text());
  t.is(await ask(), '"ok"');
  t.is(await ask(), '"ok"');
  t.is(sockets.length, 1, `${scheme}: the second request reused the kept-alive socket`);
  const answered = Date.now();
  const closedAt = await Promise.race([clientClosed[0], new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), SERVER_IDLE_MS - 200))]);
  t.truthy(closedAt, `${scheme}: the client closed the idle socket before the server's ${SERVER_IDLE_MS} ms`);
  t.true(closedAt! - answered >= 1_500, `${scheme}: after about the hint less a second (${closedAt! - answered} ms), not at once`);
}

const answer = (_req: unknown, res: ServerResponse) => res.writeHead(200, { 'content-type': 'application/json' }).end('"ok"');

test('over http an idle socket is closed by the client a second before the server\'s keep-alive hint', async (t) => {
  await idleClose(t, createHttpServer(answer), 'http');
});

test('over https too (its agent had no idle timeout and kept the socket until the server dropped it)', async (t) => {
  const certs = await makeCerts();
  t.teardown(certs.cleanup);
  const [cert, key, ca] = await Promise.all([readFile(certs.server.certFile, 'utf8'), readFile(certs.server.keyFile, 'utf8'), readFile(certs.caFile, 'utf8')]);
  await idleClose(t, createHttpsServer({ cert, key }, answer), 'https', { ca });
});
