/**
 * The webhook as an attacker and as GitHub see it, over real sockets: nothing is read before the
 * headers vouch for a call, slow and parallel calls are cut off, and through a real syncer only a
 * verified push to the followed branch makes a pass, once.
 */
import test, { type ExecutionContext } from 'ava';
import { createHmac } from 'node:crypto';
import net from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startWebhookServer, type WebhookLimits } from '../syncer/triggers/webhookServer.js';
import { tempDir, waitFor } from './harness/processes.js';
import { gitops, jobFile } from './gitopsHelpers.js';

const secret = 'webhook-secret-2';
const sign = (text: string) => `sha256=${createHmac('sha256', secret).update(text).digest('hex')}`;
const wellFormedSignature = `sha256=${'ab'.repeat(32)}`;

async function hook(t: ExecutionContext, limits: Partial<WebhookLimits> = {}) {
  const pushes: string[] = [];
  const server = await startWebhookServer({ host: '127.0.0.1', port: 0, secret, branch: 'main', onPush: (p) => pushes.push(p), limits });
  t.teardown(server.close);
  return { server, pushes };
}

/** A raw HTTP client that sends the head now and the body when told, and records what comes back. */
async function rawCall(port: number, head: string) {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let received = '';
  let sent = 0;
  const started = Date.now();
  socket.on('data', (d) => { received += d.toString(); });
  socket.on('error', () => undefined); // a reset while still sending is the point of some tests
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)));
  socket.write(head);
  return {
    socket,
    closed,
    status: () => Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0),
    received: () => received,
    sent: () => sent,
    /** Sends `bytes` every `everyMs` until the socket closes. */
    trickle(bytes: number, everyMs: number) {
      const timer = setInterval(() => {
        if (socket.destroyed || !socket.writable) return clearInterval(timer);
        socket.write('x'.repeat(bytes));
        sent += bytes;
      }, everyMs);
      void closed.then(() => clearInterval(timer));
    },
  };
}

const postHead = (headers: string, length: number | 'chunked') =>
  `POST /webhook HTTP/1.1\r\nHost: hook\r\nContent-Type: application/json\r\n${headers}`
  + (length === 'chunked' ? 'Transfer-Encoding: chunked\r\n' : `Content-Length: ${length}\r\n`) + '\r\n';

test('a slow call without a valid signature header is answered 401 before any body byte is sent, and its socket closes while the client is still sending', async (t) => {
  const { server, pushes } = await hook(t);
  for (const headers of ['X-GitHub-Event: push\r\n', `X-Hub-Signature-256: sha256=${'z'.repeat(64)}\r\n`, 'X-Gitlab-Token: guess\r\nX-Gitlab-Event: Push Hook\r\n']) {
    const call = await rawCall(server.port, postHead(headers, 10 * 1024 * 1024));
    // Not one body byte sent yet, and the answer is there: nothing was waited for, nothing buffered.
    await waitFor(() => call.status() || undefined, { timeoutMs: 10_000, message: 'an answer to the head alone' });
    t.is(call.status(), 401, headers);
    t.is(call.sent(), 0);
    t.regex(call.received(), /Connection: close/i);
    call.trickle(1024, 10);
    const ms = await call.closed;
    t.true(call.sent() < 1024 * 1024, `closed after ${call.sent()} of 10 MiB sent (${ms} ms)`);
  }
  t.deepEqual(pushes, []);
});

test('a call with a well-formed GitHub signature is read only up to the body cap: a larger Content-Length is refused unread, a longer chunked body is cut off', async (t) => {
  const maxBodyBytes = 64 * 1024;
  const { server, pushes } = await hook(t, { maxBodyBytes });
  const declared = await rawCall(server.port, postHead(`X-Hub-Signature-256: ${wellFormedSignature}\r\nX-GitHub-Event: push\r\n`, maxBodyBytes + 1));
  await waitFor(() => declared.status() || undefined, { timeoutMs: 10_000, message: 'a 413 to the head alone' });
  t.is(declared.status(), 413);
  await declared.closed;

  const chunked = await rawCall(server.port, postHead(`X-Hub-Signature-256: ${wellFormedSignature}\r\nX-GitHub-Event: push\r\n`, 'chunked'));
  const chunk = `${(8 * 1024).toString(16)}\r\n${'x'.repeat(8 * 1024)}\r\n`;
  const timer = setInterval(() => { if (chunked.socket.writable) chunked.socket.write(chunk); }, 5);
  await chunked.closed;
  clearInterval(timer);
  t.is(chunked.status(), 413);
  t.deepEqual(pushes, []);
});

test('at most 8 webhook calls at once: the next gets 503 with Retry-After, and the server answers again once they end', async (t) => {
  const { server, pushes } = await hook(t);
  const held = await Promise.all(Array.from({ length: 8 }, () =>
    rawCall(server.port, postHead(`X-Hub-Signature-256: ${wellFormedSignature}\r\nX-GitHub-Event: push\r\n`, 1000))));
  for (const call of held) call.socket.write('{"ref":');
  await new Promise((resolve) => setTimeout(resolve, 200));
  const body = JSON.stringify({ ref: 'refs/heads/main', after: 'c1' });
  const post = () => fetch(`${server.url}/webhook`, { method: 'POST', body, headers: { 'x-hub-signature-256': sign(body), 'x-github-event': 'push' } });
  const busy = await post();
  t.is(busy.status, 503);
  t.is(busy.headers.get('retry-after'), '5');
  t.deepEqual(pushes, []);
  for (const call of held) call.socket.destroy();
  await Promise.all(held.map((call) => call.closed));
  await waitFor(async () => (await post()).status === 202 || undefined, { timeoutMs: 20_000, message: 'a slot free again' });
  t.deepEqual(pushes, ['github']);
});

test('a request whose headers never end is closed at the headers timeout, one whose body never ends at the request timeout', async (t) => {
  const { server, pushes } = await hook(t, { headersTimeoutMs: 500, requestTimeoutMs: 1500 });
  const headless = await rawCall(server.port, 'POST /webhook HTTP/1.1\r\nHost: hook\r\n');
  const headMs = await headless.closed;
  // Upper bounds leave room for a loaded CI machine (the timeouts are checked on a timer); node's own
  // defaults (60 s and 300 s) are far beyond them, so the configured ones are what closed the sockets.
  t.true(headMs >= 400 && headMs < 10_000, `headers timeout: closed after ${headMs} ms`);

  const slow = await rawCall(server.port, postHead(`X-Hub-Signature-256: ${wellFormedSignature}\r\nX-GitHub-Event: push\r\n`, 1000));
  slow.trickle(1, 100);
  const bodyMs = await slow.closed;
  t.true(bodyMs >= 1400 && bodyMs < 15_000, `request timeout: closed after ${bodyMs} ms`);
  t.is(slow.status(), 408);
  t.true(slow.sent() < 1000);
  t.deepEqual(pushes, []);
});

test('through a syncer: a verified push to the branch makes exactly one pass; other branches, other events, ping and a replay make none', async (t) => {
  const g = await gitops(t);
  const dir = await tempDir('webhook-secret-');
  t.teardown(dir.cleanup);
  writeFileSync(join(dir.path, 'secret'), secret);
  const syncer = await g.startSyncer(['--webhook', '127.0.0.1:0', '--webhook-secret-file', join(dir.path, 'secret')]);
  const url = `${syncer.webhook!.url}/webhook`;
  const passes = () => syncer.logs.filter((l) => l.msg === 'sync').length;
  const github = async (event: string, payload: Record<string, unknown>, delivery: string) => {
    const body = JSON.stringify(payload);
    const res = await fetch(url, { method: 'POST', body, headers: { 'x-hub-signature-256': sign(body), 'x-github-event': event, 'x-github-delivery': delivery } });
    return res.status;
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 600));
  const before = passes();

  const commit = await g.commit({ 'jobs/a.yaml': jobFile('a') });
  t.is(await github('push', { ref: 'refs/heads/staging', after: commit }, 'd-staging'), 202);
  t.is(await github('push', { ref: 'refs/tags/v1', after: commit }, 'd-tag'), 202);
  t.is(await github('issues', { action: 'opened', ref: 'refs/heads/main' }, 'd-issue'), 202);
  t.is(await github('ping', { zen: 'Design for failure.' }, 'd-ping'), 200);
  await settle();
  t.is(passes(), before, 'no pass for other branches, tags, events or ping');
  t.is((await g.master.client.sync.source(g.config().name)).lastAttemptedCommit, g.repo.head);

  t.is(await github('push', { ref: 'refs/heads/main', after: commit }, 'd-main'), 202);
  await waitFor(async () => (await g.master.client.sync.source(g.config().name)).lastAppliedCommit === commit || undefined,
    { timeoutMs: 20_000, message: 'the push applied' });
  await settle();
  t.is(passes(), before + 1, 'exactly one pass');

  t.is(await github('push', { ref: 'refs/heads/main', after: commit }, 'd-main'), 200, 'a replay is already seen');
  await settle();
  t.is(passes(), before + 1, 'no pass for the replay');
});
