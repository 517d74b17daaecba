import test from 'ava';
import { createHmac } from 'node:crypto';
import { startWebhookServer } from './webhookServer.js';

const secret = 's3cret';
const body = JSON.stringify({ ref: 'refs/heads/main', after: 'abc' });
const sign = (text: string, key = secret) => `sha256=${createHmac('sha256', key).update(text).digest('hex')}`;

async function server(t: { teardown(fn: () => Promise<void>): void }) {
  const pushes: string[] = [];
  const rejected: string[] = [];
  const hook = await startWebhookServer({ host: '127.0.0.1', port: 0, secret, onPush: (p) => pushes.push(p), onRejected: (r) => rejected.push(r) });
  t.teardown(hook.close);
  const post = (headers: Record<string, string>, text = body) =>
    fetch(`${hook.url}/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: text });
  return { hook, pushes, rejected, post };
}

test('a good GitHub signature is accepted with 202 and triggers one push', async (t) => {
  const s = await server(t);
  const res = await s.post({ 'x-hub-signature-256': sign(body), 'x-github-event': 'push' });
  t.is(res.status, 202);
  t.deepEqual(s.pushes, ['github']);
});

test('a good GitLab token is accepted', async (t) => {
  const s = await server(t);
  const res = await s.post({ 'x-gitlab-token': secret, 'x-gitlab-event': 'Push Hook' });
  t.is(res.status, 202);
  t.deepEqual(s.pushes, ['gitlab']);
});

test('unsigned, wrongly signed, signed for another body, or a wrong GitLab token: 401 and nothing happens', async (t) => {
  const s = await server(t);
  const statuses = [
    (await s.post({})).status,
    (await s.post({ 'x-hub-signature-256': sign(body, 'wrong') })).status,
    (await s.post({ 'x-hub-signature-256': sign('{}') })).status,
    (await s.post({ 'x-hub-signature-256': 'sha256=zz' })).status,
    (await s.post({ 'x-hub-signature-256': sign(body).replace('sha256=', 'sha1=') })).status,
    (await s.post({ 'x-gitlab-token': 's3cret!' })).status,
    (await s.post({ 'x-gitlab-token': '' })).status,
  ];
  t.deepEqual(statuses, [401, 401, 401, 401, 401, 401, 401]);
  t.deepEqual(s.pushes, []);
  t.is(s.rejected.length, 7);
});

test('GET /healthz answers 200; other paths and methods do not trigger', async (t) => {
  const s = await server(t);
  t.is((await fetch(`${s.hook.url}/healthz`)).status, 200);
  t.is((await fetch(`${s.hook.url}/webhook`)).status, 405);
  t.is((await fetch(`${s.hook.url}/other`, { method: 'POST', body })).status, 404);
  t.deepEqual(s.pushes, []);
});
