/**
 * Requests as scripts and probes send them: curl's `-H 'Content-Type: application/json'` on a GET or
 * DELETE without a body, and a load balancer's health probe without a token.
 */
import test from 'ava';
import { startTestMaster } from './harness/master.js';

const json = { 'content-type': 'application/json' };

test('a GET or DELETE with Content-Type: application/json and an empty body is served; a POST without a body is still refused', async (t) => {
  const m = await startTestMaster();
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
