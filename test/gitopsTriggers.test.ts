/**
 * What starts a sync: a signed webhook (GitHub HMAC, GitLab token) on an HTTP remote, a commit in a
 * watched local repository. Unsigned or wrongly signed webhooks get 401 and start nothing.
 */
import test from 'ava';
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitFiles } from './harness/gitServer.js';
import { tempDir, waitFor } from './harness/processes.js';
import { gitops, jobFile } from './gitopsHelpers.js';

const secret = 'webhook-secret-1';

async function secretFile(t: { teardown(fn: () => Promise<void>): void }) {
  const dir = await tempDir('gitops-secret-');
  t.teardown(dir.cleanup);
  const file = join(dir.path, 'secret');
  writeFileSync(file, `${secret}\n`);
  return file;
}

const post = (url: string, headers: Record<string, string>, body: string) =>
  fetch(`${url}/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
const githubSignature = (body: string, key = secret) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;

test('webhooks: a bad signature gets 401 and no sync; a good GitHub signature and a good GitLab token each sync at once', async (t) => {
  const g = await gitops(t);
  const syncer = await g.startSyncer(['--webhook', '127.0.0.1:0', '--webhook-secret-file', await secretFile(t)]);
  const hook = syncer.webhook!;
  const name = g.config().name;
  const before = (await g.master.client.sync.source(name)).lastAttemptedCommit;
  t.is(before, g.repo.head);

  const c1 = await g.commit({ 'jobs/a.yaml': jobFile('a') });
  const body = JSON.stringify({ ref: 'refs/heads/main', after: c1 });
  t.is((await post(hook.url, { 'x-hub-signature-256': githubSignature(body, 'not-the-secret'), 'x-github-event': 'push' }, body)).status, 401);
  t.is((await post(hook.url, {}, body)).status, 401);
  t.is((await post(hook.url, { 'x-gitlab-token': 'nope' }, body)).status, 401);
  await new Promise((resolve) => setTimeout(resolve, 700));
  t.is((await g.master.client.sync.source(name)).lastAttemptedCommit, before, 'rejected calls start no sync');

  t.is((await post(hook.url, { 'x-hub-signature-256': githubSignature(body), 'x-github-event': 'push' }, body)).status, 202);
  await waitFor(async () => (await g.master.client.sync.source(name)).lastAppliedCommit === c1 || undefined,
    { timeoutMs: 20_000, message: 'GitHub webhook applied the commit' });

  const c2 = await g.commit({ 'jobs/b.yaml': jobFile('b') });
  t.is((await post(hook.url, { 'x-gitlab-token': secret, 'x-gitlab-event': 'Push Hook' }, JSON.stringify({ ref: 'refs/heads/main', checkout_sha: c2 }))).status, 202);
  await waitFor(async () => (await g.master.client.sync.source(name)).lastAppliedCommit === c2 || undefined,
    { timeoutMs: 20_000, message: 'GitLab webhook applied the commit' });
  t.is((await fetch(`${hook.url}/healthz`)).status, 200);
});

test('--watch on a local repository applies a new commit within seconds, with no webhook and a 1 h interval', async (t) => {
  const g = await gitops(t);
  const syncer = await g.startSyncer(['--repo', g.repo.work, '--watch']);
  const name = g.config().name;
  const started = Date.now();
  const commit = await commitFiles(g.repo.work, { 'jobs/w.yaml': jobFile('w') });
  await waitFor(async () => (await g.master.client.sync.source(name)).lastAppliedCommit === commit || undefined,
    { timeoutMs: 20_000, intervalMs: 20, message: 'the watched commit applied' });
  const ms = Date.now() - started;
  // Without the watch the next pass is an hour away; the time itself is logged (about 1 s here).
  t.log(`commit → applied in ${ms} ms (git commit + push included)`);
  t.true(ms < 20_000, `applied ${ms} ms after the commit`);
  // The master records the commit before the syncer's log line reaches us over its stdout pipe.
  await waitFor(() => syncer.logs.some((l) => l.msg === 'sync' && l.commit === commit && typeof l.durationMs === 'number') || undefined,
    { timeoutMs: 10_000, intervalMs: 20, message: 'one log line per sync with commit and duration' });
});

test('--watch on a bare repository follows pushes to it', async (t) => {
  const g = await gitops(t);
  await g.startSyncer(['--repo', g.repo.bare, '--watch']);
  const name = g.config().name;
  const commit = await g.commit({ 'jobs/bare.yaml': jobFile('bare') });
  await waitFor(async () => (await g.master.client.sync.source(name)).lastAppliedCommit === commit || undefined,
    { timeoutMs: 20_000, intervalMs: 20, message: 'the pushed commit applied' });
  t.pass();
});
