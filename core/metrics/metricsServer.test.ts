import test from 'ava';
import { createServer } from 'node:net';
import { parseMetricsAddress, serveMetrics, MetricsAddressError } from './metricsServer.js';

test('an address is PORT, HOST:PORT or [IPv6]:PORT, loopback when no host is given', (t) => {
  t.deepEqual(parseMetricsAddress('9101'), { host: '127.0.0.1', port: 9101 });
  t.deepEqual(parseMetricsAddress(':9101'), { host: '127.0.0.1', port: 9101 });
  t.deepEqual(parseMetricsAddress('0.0.0.0:9101'), { host: '0.0.0.0', port: 9101 });
  t.deepEqual(parseMetricsAddress('[::1]:0'), { host: '::1', port: 0 });
  for (const bad of ['', 'host', '127.0.0.1:', '1:2:3', '99999', 'a:b']) {
    t.throws(() => parseMetricsAddress(bad, '--metrics'), { instanceOf: MetricsAddressError, message: /^--metrics: expected PORT or HOST:PORT/ }, bad);
  }
});

test('GET /metrics answers the source with its content type; other paths 404; a failing source 500', async (t) => {
  let fail = false;
  const source = { contentType: 'text/plain; version=0.0.4', metrics: async () => { if (fail) throw new Error('store closed'); return 'up 1\n'; } };
  const server = await serveMetrics({ host: '127.0.0.1', port: 0 }, source);
  t.teardown(server.close);
  const response = await fetch(`${server.url}/metrics`);
  t.is(response.status, 200);
  t.is(response.headers.get('content-type'), 'text/plain; version=0.0.4');
  t.is(await response.text(), 'up 1\n');
  t.is((await fetch(`${server.url}/`)).status, 404);
  t.is((await fetch(`${server.url}/metrics`, { method: 'POST' })).status, 404);
  fail = true;
  const failed = await fetch(`${server.url}/metrics`);
  t.is(failed.status, 500);
  t.regex(await failed.text(), /store closed/);
});

test('a port already taken is an error naming the flag and the address', async (t) => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  t.teardown(() => taken.close());
  const { port } = taken.address() as { port: number };
  await t.throwsAsync(serveMetrics({ host: '127.0.0.1', port }, { contentType: 'text/plain', metrics: async () => '' }, '--metrics'),
    { instanceOf: MetricsAddressError, message: `--metrics 127.0.0.1:${port}: cannot listen (EADDRINUSE): the port is taken, give another` });
});
