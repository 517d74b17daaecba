import test from 'ava';
import { createHmac } from 'node:crypto';
import { startWebhookServer, type WebhookHealth } from './webhookServer.js';

const secret = 's3cret';
const body = JSON.stringify({ ref: 'refs/heads/main', after: 'abc' });
const sign = (text: string, key = secret) => `sha256=${createHmac('sha256', key).update(text).digest('hex')}`;

async function server(t: { teardown(fn: () => Promise<void>): void }, health?: () => WebhookHealth) {
  const pushes: string[] = [];
  const rejected: Array<[string, number]> = [];
  const hook = await startWebhookServer({ host: '127.0.0.1', port: 0, secret, branch: 'main', health,
    onPush: (p) => pushes.push(p), onRejected: (r, n) => rejected.push([r, n]), limits: { rejectionReportMs: 0 } });
  t.teardown(hook.close);
  const post = (headers: Record<string, string>, text = body) =>
    fetch(`${hook.url}/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: text });
  return { hook, pushes, rejected, post };
}

test('a good GitHub signature on a push to the branch is accepted with 202 and triggers one push', async (t) => {
  const s = await server(t);
  const res = await s.post({ 'x-hub-signature-256': sign(body), 'x-github-event': 'push' });
  t.is(res.status, 202);
  t.deepEqual(await res.json(), { status: 'accepted' });
  t.deepEqual(s.pushes, ['github']);
});

test('a good GitLab token on a Push Hook to the branch is accepted', async (t) => {
  const s = await server(t);
  const res = await s.post({ 'x-gitlab-token': secret, 'x-gitlab-event': 'Push Hook' });
  t.is(res.status, 202);
  t.deepEqual(s.pushes, ['gitlab']);
});

test('unsigned, wrongly signed, signed for another body, or a wrong GitLab token: 401 and nothing happens', async (t) => {
  const s = await server(t);
  const push = { 'x-github-event': 'push' };
  const answers = [
    await s.post(push),
    await s.post({ ...push, 'x-hub-signature-256': sign(body, 'wrong') }),
    await s.post({ ...push, 'x-hub-signature-256': sign('{}') }),
    await s.post({ ...push, 'x-hub-signature-256': 'sha256=zz' }),
    await s.post({ ...push, 'x-hub-signature-256': sign(body).replace('sha256=', 'sha1=') }),
    await s.post({ 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 's3cret!' }),
    await s.post({ 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': '' }),
  ];
  t.deepEqual(answers.map((r) => r.status), [401, 401, 401, 401, 401, 401, 401]);
  t.deepEqual(answers.map((r) => r.headers.get('connection')), Array(7).fill('close'));
  t.deepEqual(s.pushes, []);
  t.deepEqual(s.rejected.map(([reason]) => reason), ['unsigned', 'bad signature', 'bad signature', 'malformed X-Hub-Signature-256',
    'malformed X-Hub-Signature-256', 'wrong X-Gitlab-Token', 'wrong X-Gitlab-Token']);
});

test('only a push to the followed branch triggers: other branches, tags and events are answered with the reason; ping is 200', async (t) => {
  const s = await server(t);
  const github = async (event: string, text: string) => {
    const res = await s.post({ 'x-hub-signature-256': sign(text), 'x-github-event': event }, text);
    return [res.status, ((await res.json()) as { reason?: string }).reason];
  };
  t.deepEqual(await github('push', JSON.stringify({ ref: 'refs/heads/staging' })), [202, 'push to refs/heads/staging, not refs/heads/main']);
  t.deepEqual(await github('push', JSON.stringify({ ref: 'refs/tags/main' })), [202, 'push to refs/tags/main, not refs/heads/main']);
  t.deepEqual(await github('push', JSON.stringify({ after: 'abc' })), [202, 'push to no ref, not refs/heads/main']);
  t.deepEqual(await github('issues', JSON.stringify({ ref: 'refs/heads/main', action: 'opened' })), [202, 'event "issues" does not start a sync (only pushes to main do)']);
  t.deepEqual(await github('ping', JSON.stringify({ zen: 'Keep it logically awesome.' })), [200, 'ping: the webhook is set up']);
  t.deepEqual(await github('push', 'not json'), [400, 'the push event body is not JSON']);
  const gitlab = await s.post({ 'x-gitlab-token': secret, 'x-gitlab-event': 'Tag Push Hook' }, JSON.stringify({ ref: 'refs/tags/v1' }));
  t.is(gitlab.status, 202);
  const gitlabBranch = await s.post({ 'x-gitlab-token': secret, 'x-gitlab-event': 'Push Hook' }, JSON.stringify({ ref: 'refs/heads/dev' }));
  t.is(gitlabBranch.status, 202);
  t.deepEqual(s.pushes, []);
});

test('a replayed delivery is answered "already seen" without a push: the same delivery id, or the same body under a new id', async (t) => {
  const s = await server(t);
  const headers = { 'x-hub-signature-256': sign(body), 'x-github-event': 'push', 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958' };
  t.is((await s.post(headers)).status, 202);
  const again = await s.post(headers);
  t.is(again.status, 200);
  t.deepEqual(await again.json(), { status: 'ignored', reason: 'delivery already seen' });
  t.is((await s.post({ ...headers, 'x-github-delivery': 'forged-new-id' })).status, 200, 'the id is not signed: the body gives the replay away');
  const next = JSON.stringify({ ref: 'refs/heads/main', after: 'def' });
  t.is((await s.post({ ...headers, 'x-hub-signature-256': sign(next), 'x-github-delivery': 'another' }, next)).status, 202);
  const gitlab = { 'x-gitlab-token': secret, 'x-gitlab-event': 'Push Hook', 'idempotency-key': 'k1' };
  t.is((await s.post(gitlab, JSON.stringify({ ref: 'refs/heads/main', after: 'g1' }))).status, 202);
  t.is((await s.post(gitlab, JSON.stringify({ ref: 'refs/heads/main', after: 'g2' }))).status, 200, 'a retry keeps its Idempotency-Key');
  t.deepEqual(s.pushes, ['github', 'github', 'gitlab']);
});

test('GET /healthz says only ok, failing or stale (503), and the details to a caller with the secret; other paths and methods do not trigger', async (t) => {
  let health: WebhookHealth = { state: 'failing', detail: { source: 'apps', failing: 'sync source apps follows …' } };
  const s = await server(t, () => health);
  const anonymous = await fetch(`${s.hook.url}/healthz`);
  t.is(anonymous.status, 200);
  t.deepEqual(await anonymous.json(), { status: 'failing' });
  const detailed = await fetch(`${s.hook.url}/healthz`, { headers: { authorization: `Bearer ${secret}` } });
  t.deepEqual(await detailed.json(), { status: 'failing', source: 'apps', failing: 'sync source apps follows …' });
  t.is((await fetch(`${s.hook.url}/healthz`, { headers: { authorization: 'Bearer guess' } })).status, 401);
  health = { state: 'ok', detail: {} };
  t.deepEqual(await (await fetch(`${s.hook.url}/healthz`)).json(), { status: 'ok' });
  health = { state: 'stale', detail: { message: 'the git server at git.internal:443 did not answer within 30 s' } };
  const stale = await fetch(`${s.hook.url}/healthz`);
  t.is(stale.status, 503);
  t.deepEqual(await stale.json(), { status: 'stale' }, 'no server name, error or age to anyone');
  const staleDetail = await fetch(`${s.hook.url}/healthz`, { headers: { authorization: `Bearer ${secret}` } });
  t.is(staleDetail.status, 503);
  t.deepEqual(await staleDetail.json(), { status: 'stale', message: 'the git server at git.internal:443 did not answer within 30 s' });
  t.is((await fetch(`${s.hook.url}/webhook`)).status, 405);
  t.is((await fetch(`${s.hook.url}/other`, { method: 'POST', body })).status, 404);
  t.deepEqual(s.pushes, []);
});

test('rejections are reported at most once per interval, with the number left out since', async (t) => {
  const pushes: string[] = [];
  const rejected: Array<[string, number]> = [];
  let reportedAt = 0;
  const hook = await startWebhookServer({ host: '127.0.0.1', port: 0, secret, branch: 'main', onPush: (p) => pushes.push(p),
    onRejected: (r, n) => { rejected.push([r, n]); reportedAt = Date.now(); }, limits: { rejectionReportMs: 5000 } });
  t.teardown(hook.close);
  const unsigned = () => fetch(`${hook.url}/webhook`, { method: 'POST', body });
  const started = Date.now();
  t.deepEqual((await Promise.all(Array.from({ length: 20 }, unsigned))).map((r) => r.status), Array(20).fill(401));
  t.true(Date.now() - started < 5000, 'the burst fits in one interval');
  t.deepEqual(rejected, [['unsigned', 0]]);
  await new Promise((resolve) => setTimeout(resolve, reportedAt + 5100 - Date.now()));
  await unsigned();
  t.deepEqual(rejected, [['unsigned', 0], ['unsigned', 19]]);
});
