/**
 * A git server that accepts connections and never answers (review F7), then answers again. Before,
 * the syncer's fetch waited for ever: no later pass ran, webhooks were accepted for nothing, and
 * /healthz said ok. Now each request times out, passes keep coming (interval and webhook), /healthz
 * turns 503 stale and says what is wrong to the secret's holder, and once the server answers again the
 * syncer applies the commit pushed meanwhile and is healthy again. Real parts: a master, git
 * http-backend behind a TCP front that can stall, the syncer daemon in this process.
 */
import test from 'ava';
import { createHmac } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { parseOptions, type SyncerConfig } from '../../syncer/options.js';
import { startSyncer } from '../../syncer/sync.js';
import { jobExists, jobFile, jobIdOf } from '../gitopsHelpers.js';
import { commitFiles, gitRepo, startGitServer } from '../harness/gitServer.js';
import { startTestMaster } from '../harness/master.js';
import { tempDir, waitFor } from '../harness/processes.js';
import { startStallingProxy } from '../harness/stallingProxy.js';

const secret = 'stall-secret';

test('a git server that never answers: passes time out, keep coming and /healthz says why; when it answers again the new commit is applied', async (t) => {
  const dir = await tempDir('fault-git-stall-');
  t.teardown(dir.cleanup);
  const git = await startGitServer({ root: dir.path });
  t.teardown(git.close);
  const front = await startStallingProxy(git.url);
  t.teardown(front.close);
  const master = await startTestMaster();
  t.teardown(master.close);
  const first = jobFile('before-stall');
  const repo = await gitRepo(dir.path, { 'jobs/before.yaml': first });
  const secretFile = join(dir.path, 'webhook-secret');
  await writeFile(secretFile, secret);

  const config = parseOptions(['--master', master.url, '--repo', `${front.url}/${repo.name}.git`, '--name', `stall-${process.pid}`,
    '--cache-dir', join(dir.path, 'cache'), '--webhook', '127.0.0.1:0', '--webhook-secret-file', secretFile,
    '--interval', '1s', '--git-timeout', '500ms', '--git-retries', '1', '--pass-timeout', '10s', '--stale-after', '3s']) as SyncerConfig;
  const logs: Array<Record<string, unknown>> = [];
  const syncer = await startSyncer(config, pino({ level: 'debug' }, { write: (line: string) => { logs.push(JSON.parse(line) as Record<string, unknown>); } }));
  t.teardown(syncer.stop);
  const healthz = async (auth = false) => {
    const res = await fetch(`${syncer.webhook!.url}/healthz`, auth ? { headers: { authorization: `Bearer ${secret}` } } : {});
    return { code: res.status, body: await res.json() as Record<string, unknown> };
  };
  // Generous bounds throughout: the suite runs four files at once on two cores.
  await waitFor(async () => jobExists(master.client, jobIdOf('jobs/before.yaml', first)), { timeoutMs: 30_000, message: 'the first commit applied' });
  t.is((await healthz()).code, 200);

  front.stall();
  const second = jobFile('after-stall');
  await commitFiles(repo.work, { 'jobs/after.yaml': second });

  // The pass fails on its own (no deadline reached): the request timed out and was retried once.
  const failed = await waitFor(async () => (await healthz(true)).body.failing, { timeoutMs: 30_000, message: 'a pass failed' });
  t.regex(String(failed), /^cannot list the refs of http:\/\/127\.0\.0\.1:\d+\/repo\d+\.git: the git server at 127\.0\.0\.1:\d+ did not answer within 0\.5 s \(--git-timeout\)$/);
  t.like(logs.find((l) => l.msg === 'sync failed'), { level: 50 }, 'logged as an error');
  t.true(logs.some((l) => l.msg === 'git request failed: retrying'), 'the request was retried before the pass failed');

  const stale = await waitFor(async () => { const h = await healthz(true); return h.code === 503 ? h : undefined; }, { timeoutMs: 30_000, message: '/healthz stale' });
  t.is(stale.body.status, 'stale');
  t.regex(String(stale.body.message), /^cannot list the refs of http:\/\/127\.0\.0\.1:\d+\/repo\d+\.git: the git server at 127\.0\.0\.1:\d+ did not answer within 0\.5 s \(--git-timeout\); last good pass [\d.]+ s ago$/);
  t.deepEqual(await healthz(), { code: 503, body: { status: 'stale' } }, 'to anyone: the state only');

  // Passes keep coming: the interval's, and one a webhook starts at once.
  const seen = front.stalled;
  await waitFor(() => front.stalled > seen || undefined, { timeoutMs: 30_000, message: 'a later pass (interval) reached the git server' });
  const body = JSON.stringify({ ref: 'refs/heads/main' });
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  const beforeHook = front.stalled;
  const hook = await fetch(`${syncer.webhook!.url}/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': signature }, body });
  t.is(hook.status, 202);
  await waitFor(() => front.stalled > beforeHook || undefined, { timeoutMs: 30_000, message: 'a pass after the webhook reached the git server' });
  t.false(await jobExists(master.client, jobIdOf('jobs/after.yaml', second)));

  front.forward();
  await waitFor(async () => jobExists(master.client, jobIdOf('jobs/after.yaml', second)), { timeoutMs: 30_000, message: 'the commit pushed during the stall applied' });
  t.true(await jobExists(master.client, jobIdOf('jobs/before.yaml', first)));
  const healthy = await waitFor(async () => { const h = await healthz(true); return h.code === 200 && h.body.status === 'ok' ? h : undefined; }, { timeoutMs: 30_000, message: '/healthz ok again' });
  t.like(healthy.body, { failing: null, lastState: 'APPLIED' });
  t.true(logs.some((l) => l.msg === 'sync recovered'));
});
