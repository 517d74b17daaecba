/**
 * Requests as scripts and probes send them: curl's `-H 'Content-Type: application/json'` on a GET or
 * DELETE without a body, and a load balancer's health probe without a token.
 */
import test from 'ava';
import { buildApp } from '../master/app.js';
import { openMasterSecrets } from '../master/secrets/masterSecrets.js';
import { createTokenRegistry } from '../master/auth/tokenRegistry.js';
import { createNotifier } from '../master/notifier.js';
import { resolveOptions } from '../master/server.js';
import { openStore } from '../master/store/store.js';
import { startTestMaster } from './harness/master.js';
import { ENGINES, testDatabase } from './harness/engines.js';

const json = { 'content-type': 'application/json' };

for (const engine of ENGINES) {
  test(`${engine}: a GET or DELETE with Content-Type: application/json and an empty body is served; a POST without a body is still refused`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const { id } = await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest' });
    for (const headers of [json, { ...json, 'content-length': '0' }]) {
      const list = await fetch(`${m.url}/jobs`, { headers });
      t.is(list.status, 200);
      t.true(id in (await list.json() as Record<string, unknown>));
    }
    const removed = await fetch(`${m.url}/jobs/${encodeURIComponent(id)}`, { method: 'DELETE', headers: { ...json, 'content-length': '0' } });
    t.is(removed.status, 200, await removed.clone().text());
    t.like(await removed.json(), { status: 'OK' });
    const missing = await fetch(`${m.url}/jobs/${encodeURIComponent(id)}`, { method: 'DELETE', headers: json, body: '' });
    t.is(missing.status, 404);
    t.like(await missing.json(), { status: 'JOB_NOT_FOUND' });

    const post = await fetch(`${m.url}/jobs`, { method: 'POST', headers: json, body: '' });
    t.is(post.status, 400);
    t.like(await post.json(), { status: 'INVALID_REQUEST', message: 'body is empty; send a JSON document' });
  });

  test(`${engine}: GET /healthz answers without a token, whatever token it carries, and says only ok`, async (t) => {
    const m = await startTestMaster({ engine, tokens: [{ token: 'admin-token-0123456789', role: 'admin', name: 'ops' }] });
    t.teardown(m.close);
    for (const headers of [{}, { authorization: 'Bearer stale-token' }] as Record<string, string>[]) {
      const res = await fetch(`${m.url}/healthz`, { headers });
      t.is(res.status, 200);
      t.deepEqual(await res.json(), { status: 'ok' });
    }
    t.is((await fetch(`${m.url}/healthz`, { method: 'HEAD' })).status, 200);
    t.is((await fetch(`${m.url}/version`)).status, 401, 'every other route still needs a token');
  });

  test(`${engine}: GET /healthz answers 503 once the database cannot be read`, async (t) => {
    const dbPath = await testDatabase(t, engine);
    const store = await openStore(dbPath);
    const app = buildApp({ store, notifier: createNotifier(), options: resolveOptions({ dbPath }), tokens: createTokenRegistry([]), secrets: openMasterSecrets(undefined) });
    t.teardown(() => app.close());
    t.is((await app.inject({ url: '/healthz' })).statusCode, 200);
    await store.close();
    const res = await app.inject({ url: '/healthz' });
    t.is(res.statusCode, 503);
    t.deepEqual(res.json(), { status: 'unavailable' });
  });
}
