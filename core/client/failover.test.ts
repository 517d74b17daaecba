import test from 'ava';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from './createClient.js';
import { createHttpFetch } from './httpFetch.js';
import { isHeliosError } from '../errors/HeliosError.js';

/** A real master stand-in on 127.0.0.1: answers `"name"`, or with `cut` destroys the connection of every request once it has arrived. */
async function stub(name: string, o: { cut?: boolean } = {}): Promise<{ url: string; seen: string[]; server: Server }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push(`${req.method} ${req.url}`);
      if (o.cut) req.socket.destroy();
      else res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(name));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

/** An address where nothing listens (a port just closed). */
async function refusedUrl(): Promise<string> {
  const s = await stub('gone');
  await new Promise((resolve) => s.server.close(resolve));
  return s.url;
}

for (const [fetchName, fetch] of [['global fetch', undefined], ['node:http fetch', createHttpFetch()]] as const) {
  test(`${fetchName}: a refused master is skipped, and the next request goes straight to the one that answered`, async (t) => {
    const down = await refusedUrl();
    const up = await stub('b');
    t.teardown(() => up.server.close());
    const client = createClient({ baseUrl: down, masters: [down, up.url], fetch });
    t.is(await client.version(), 'b');
    t.is(await client.jobs.create({ id: 'x:1', image: 'busybox:latest' }) as unknown, 'b', 'a POST never sent anywhere is sent to the next');
    t.deepEqual(up.seen, ['GET /version', 'POST /jobs']);
  });

  test(`${fetchName}: a request cut off by its master is sent to the next when it may be sent twice`, async (t) => {
    const a = await stub('a', { cut: true });
    const b = await stub('b');
    t.teardown(() => { a.server.close(); b.server.close(); });
    const reads = createClient({ baseUrl: a.url, masters: [a.url, b.url], fetch });
    t.is(await reads.agents.tasks('h', 7, 1_000, { agentId: 'id' }) as unknown, 'b', 'a blocking query goes on at the next master');
    t.is(b.seen.at(-1), 'GET /agents/h/tasks?index=7&wait=1000&id=id');
    // A POST cut off may have been taken: sent again only by a client whose every request may be.
    const readsOnly = createClient({ baseUrl: a.url, masters: [a.url, b.url], fetch });
    const err = await t.throwsAsync(readsOnly.agents.heartbeat('h', {} as never));
    t.true(isHeliosError(err, 'MASTER_UNREACHABLE'), String(err));
    t.regex(String(err?.message), new RegExp(`^cannot reach the master at ${a.url}: `));
    t.is(await readsOnly.version(), 'b', 'the next request starts at the next master');
    const all = createClient({ baseUrl: a.url, masters: [a.url, b.url], resend: 'all', fetch });
    t.is(await all.agents.heartbeat('h', {} as never) as unknown, 'b');
    t.is(b.seen.at(-1), 'POST /agents/h/heartbeat');
  });
}

test('a silent master: the call that times out there moves on, and takes the blocking query waiting there with it (resend all)', async (t) => {
  // Accepts and reads every request, answers none: a master on a machine that was lost.
  const silent = createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.teardown(() => { silent.closeAllConnections(); silent.close(); });
  const a = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  const b = await stub('b');
  t.teardown(() => b.server.close());
  // 2 s: long enough for b to answer on a loaded machine (the full suite at load 26 ran 300 ms over), far below the blocking query's own 70 s.
  const client = createClient({ baseUrl: a, masters: [a, b.url], resend: 'all', timeoutMs: 2_000 });
  const started = Date.now();
  const waiting = client.agents.tasks('h', 7, 60_000, { agentId: 'id' });
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.is(await client.agents.heartbeat('h', {} as never) as unknown, 'b');
  t.is(await waiting as unknown, 'b', 'the blocking query went on at b');
  t.true(Date.now() - started < 10_000, `${Date.now() - started} ms, not the blocking query's own 70 s`);
  t.deepEqual(b.seen.sort(), ['GET /agents/h/tasks?index=7&wait=60000&id=id', 'POST /agents/h/heartbeat']);
});

test('when no master answers the error names each; a master that answers with an error is the answer', async (t) => {
  const [x, y] = [await refusedUrl(), await refusedUrl()];
  const err = await t.throwsAsync(createClient({ baseUrl: x, masters: [x, y] }).version());
  t.true(isHeliosError(err, 'MASTER_UNREACHABLE'), String(err));
  t.is(err?.message, `no master of ${x}, ${y} answers: cannot reach the master at ${x}: connection refused (set -z or HELIOS_MASTER); `
    + `cannot reach the master at ${y}: connection refused (set -z or HELIOS_MASTER)`);
  const server = createServer((_req, res) => res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"status":"JOB_NOT_FOUND","message":"no"}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const other = await stub('other');
  t.teardown(() => other.server.close());
  await t.throwsAsync(createClient({ baseUrl: url, masters: [url, other.url] }).jobs.get('x'), { message: 'no' });
  t.deepEqual(other.seen, []);
});

test('many requests in flight through one client of several masters raise no listener warning (each listens on its master\'s move-on signal)', async (t) => {
  const [a, b] = [await stub('a'), await stub('b')];
  t.teardown(() => { a.server.close(); b.server.close(); });
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.name);
  process.on('warning', onWarning);
  t.teardown(() => process.off('warning', onWarning));
  const client = createClient({ baseUrl: a.url, masters: [a.url, b.url], resend: 'all' });
  const answers = await Promise.all(Array.from({ length: 30 }, () => client.version()));
  t.deepEqual(new Set(answers), new Set(['a']));
  await new Promise((resolve) => setImmediate(resolve));
  t.deepEqual(warnings, []);
});
