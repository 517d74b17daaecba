import test from 'ava';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from './createClient.js';
import { createHttpFetch } from './httpFetch.js';
import { isHeliosError } from '../errors/HeliosError.js';

test('a redirect is an error, never followed: neither fetch re-sends the request elsewhere', async (t) => {
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.url?.startsWith('/jobs')) {
      res.writeHead(307, { Location: '/elsewhere' }).end();
    } else {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const fetch of [undefined, createHttpFetch()]) {
    seen.length = 0;
    const err = await t.throwsAsync(createClient({ baseUrl, fetch }).jobs.create({ id: 'x:1', image: 'busybox:latest' }));
    t.true(isHeliosError(err), String(err));
    t.regex(String(err?.message), /master answered HTTP 307/);
    t.deepEqual(seen, ['POST /jobs'], 'the redirect was not followed');
  }
});

test('a body that cannot be written as JSON is the caller\'s INVALID_REQUEST, sent nowhere, never "cannot reach the master"', async (t) => {
  let requests = 0;
  const server = createServer((_req, res) => { requests++; res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}'); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // 7,000 levels: past JSON.stringify's stack (about 6,000 on Node 20), as a deep job file was (review F9).
  let deep: unknown = 1;
  for (let i = 0; i < 7000; i++) deep = { a: deep };
  const err = await t.throwsAsync(createClient({ baseUrl }).jobs.create({ id: 'x:1', image: 'busybox:latest', metadata: deep as Record<string, string> }));
  t.true(isHeliosError(err, 'INVALID_REQUEST'), String(err));
  t.regex(String(err?.message), /^cannot send POST \/jobs: its body cannot be written as JSON \(Maximum call stack size exceeded\)$/);
  t.is(requests, 0);
});
