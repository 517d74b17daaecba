/** CORS (off unless --cors-origin names origins; preflights answered before authentication) and gzip. */
import test from 'ava';
import { gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import { startTestMaster } from './harness/master.js';
import { ENGINES } from './harness/engines.js';

const tokens = [{ token: 'admin-secret', role: 'admin' as const, name: 'ops' }];

/** GET or POST with or without Accept-Encoding: gzip; the raw bytes and their encoding. */
function raw(url: string, o: { method?: string; gzip?: boolean; body?: unknown } = {}): Promise<{ status: number; encoding?: string; vary?: string; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const body = o.body === undefined ? undefined : JSON.stringify(o.body);
    const req = request(url, { method: o.method ?? 'GET', headers: { ...(o.gzip && { 'accept-encoding': 'gzip' }), ...(body && { 'content-type': 'application/json' }) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, encoding: res.headers['content-encoding'], vary: res.headers.vary as string | undefined, bytes: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

for (const engine of ENGINES) {
  test(`${engine}: without --cors-origin no answer carries CORS headers, and a preflight gets none`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const res = await fetch(`${m.url}/jobs`, { headers: { origin: 'https://ui.example.com' } });
    t.is(res.status, 200);
    t.is(res.headers.get('access-control-allow-origin'), null);
    const preflight = await fetch(`${m.url}/jobs`, { method: 'OPTIONS', headers: { origin: 'https://ui.example.com', 'access-control-request-method': 'POST' } });
    t.is(preflight.headers.get('access-control-allow-origin'), null);
    t.not(preflight.status, 204);
  });

  test(`${engine}: --cors-origin ORIGIN: that origin gets CORS headers and its preflight 204 without a token; another origin none`, async (t) => {
    const m = await startTestMaster({ engine, tokens, corsOrigins: ['https://ui.example.com'] });
    t.teardown(m.close);
    const preflight = await fetch(`${m.url}/hosts/h1/jobs/web:1`, { method: 'OPTIONS', headers: {
      origin: 'https://ui.example.com', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization, content-type',
    } });
    t.is(preflight.status, 204);
    t.is(preflight.headers.get('access-control-allow-origin'), 'https://ui.example.com');
    t.regex(preflight.headers.get('access-control-allow-methods')!, /PATCH/);
    t.regex(preflight.headers.get('access-control-allow-headers')!, /Authorization/);
    t.is(preflight.headers.get('vary'), 'Origin');
    // The request itself still needs its token; the refusal is readable by the page.
    const anonymous = await fetch(`${m.url}/jobs`, { headers: { origin: 'https://ui.example.com' } });
    t.is(anonymous.status, 401);
    t.is(anonymous.headers.get('access-control-allow-origin'), 'https://ui.example.com');
    const ok = await fetch(`${m.url}/jobs`, { headers: { origin: 'https://ui.example.com', authorization: 'Bearer admin-secret' } });
    t.is(ok.status, 200);
    t.regex(ok.headers.get('access-control-expose-headers')!, /Helios-Version-Status/);
    const other = await fetch(`${m.url}/jobs`, { headers: { origin: 'https://evil.example.com', authorization: 'Bearer admin-secret' } });
    t.is(other.headers.get('access-control-allow-origin'), null);
    const otherPreflight = await fetch(`${m.url}/jobs`, { method: 'OPTIONS', headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' } });
    t.is(otherPreflight.headers.get('access-control-allow-origin'), null);
    t.is(otherPreflight.status, 401);
  });

  test(`${engine}: --cors-origin '*' answers every origin with *, as Helios did`, async (t) => {
    const m = await startTestMaster({ engine, corsOrigins: ['*'] });
    t.teardown(m.close);
    const res = await fetch(`${m.url}/version`, { headers: { origin: 'http://localhost:3000' } });
    t.is(res.headers.get('access-control-allow-origin'), '*');
    t.is(res.headers.get('vary'), null);
  });

  test(`${engine}: answers of 1 KiB and more are gzipped for a client that asks (GET and POST), others are not`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    for (let i = 0; i < 20; i++) await m.client.jobs.create({ id: `job${i}:1`, image: 'busybox:latest', env: { PADDING: 'x'.repeat(100) } });
    const plain = await raw(`${m.url}/jobs`);
    t.is(plain.encoding, undefined);
    const gzipped = await raw(`${m.url}/jobs`, { gzip: true });
    t.is(gzipped.encoding, 'gzip');
    t.regex(gzipped.vary ?? '', /accept-encoding/i);
    t.true(gzipped.bytes.length < plain.bytes.length / 3, `${gzipped.bytes.length} vs ${plain.bytes.length}`);
    t.deepEqual(gunzipSync(gzipped.bytes), plain.bytes);
    const ids = Object.keys(JSON.parse(plain.bytes.toString()) as object);
    const post = await raw(`${m.url}/jobs/statuses`, { method: 'POST', gzip: true, body: ids });
    t.is(post.encoding, 'gzip');
    t.is(Object.keys(JSON.parse(gunzipSync(post.bytes).toString()) as object).length, 20);
    const small = await raw(`${m.url}/version`, { gzip: true });
    t.is(small.encoding, undefined);
    t.is(small.bytes.toString(), '"0.1.0"');
  });
}
