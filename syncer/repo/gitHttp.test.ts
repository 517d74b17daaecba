import test from 'ava';
import net from 'node:net';
import { createGitHttp, GitTimeoutError } from './gitHttp.js';

/** A TCP server on 127.0.0.1:0 that answers each connection with `answer` (nothing at all by default) and then stays silent. */
async function silentServer(t: { teardown(fn: () => void): void }, answer = '') {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    if (answer) socket.write(answer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => { for (const s of sockets) s.destroy(); server.close(); });
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

test('a server that accepts the connection and never answers fails the request after the timeout', async (t) => {
  const url = await silentServer(t);
  const http = createGitHttp({ timeoutMs: 300, flag: '--git-timeout' });
  const started = Date.now();
  const err = await t.throwsAsync(http.request({ url: `${url}/x.git/info/refs?service=git-upload-pack` }), { instanceOf: GitTimeoutError });
  t.regex(String(err?.message), /^the git server at 127\.0\.0\.1:\d+ did not answer within 0\.3 s \(--git-timeout\)$/);
  t.true(Date.now() - started >= 290);
});

test('a body that stops half-way fails its reader after the timeout, and the signal ends a request at once', async (t) => {
  const url = await silentServer(t, 'HTTP/1.1 200 OK\r\nContent-Type: application/x-git-upload-pack-result\r\nContent-Length: 1000\r\n\r\n0008NAK\n');
  const http = createGitHttp({ timeoutMs: 300 });
  const res = await http.request({ url: `${url}/x.git/git-upload-pack`, method: 'POST', body: (async function* () { yield new TextEncoder().encode('0000'); })() });
  t.is(res.statusCode, 200);
  const chunks: Uint8Array[] = [];
  const err = await t.throwsAsync(async () => { for await (const chunk of res.body!) chunks.push(chunk); }, { instanceOf: GitTimeoutError });
  t.regex(String(err?.message), /did not answer within 0\.3 s/);
  t.is(Buffer.concat(chunks).toString(), '0008NAK\n');

  const abort = new AbortController();
  const aborting = createGitHttp({ timeoutMs: 60_000, signal: abort.signal });
  setTimeout(() => abort.abort(new Error('pass deadline')), 100);
  await t.throwsAsync(aborting.request({ url: `${await silentServer(t)}/x.git/info/refs` }), { message: 'pass deadline' });
});
