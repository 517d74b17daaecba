/**
 * A master that cannot be worn down (master/limits/), over real sockets on 127.0.0.1: slow and idle
 * connections are closed within the timeouts while a real client keeps being answered, a flood of
 * unauthenticated requests costs one log line a second, and the connection and blocking-query caps
 * answer 429 with Retry-After. Per-address caps do not count 127.0.0.1 (every local process shares
 * it), so the clients they should count bind 127.0.0.2, 127.0.0.3, … (Linux routes all of 127/8 to lo).
 */
import test from 'ava';
import { readdirSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { Writable } from 'node:stream';
import { isHeliosError } from '../core/index.js';
import type { TokenEntry } from '../master/auth/tokenFile.js';
import type { MasterLimits } from '../master/options.js';
import { startTestMaster, type TestMaster } from './harness/master.js';
import { ENGINES, type Engine } from './harness/engines.js';
import { makeCerts } from './harness/certs.js';

const ADMIN = 'admin-token-0123456789';
const FLEET = 'fleet-token-0123456789';
const tokens: TokenEntry[] = [
  { token: ADMIN, role: 'admin', name: 'alice' },
  { token: FLEET, role: 'agent', name: 'fleet' },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const portOf = (master: TestMaster) => Number(new URL(master.url).port);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
/** This process's open file descriptors: the master's sockets and the test's own ends of them. */
const openFds = () => readdirSync('/proc/self/fd').length;
const connections = (master: TestMaster) => new Promise<number>((resolve, reject) =>
  master.master.app.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));

async function startLimited(t: { teardown(fn: () => Promise<void>): void }, engine: Engine, limits: Partial<MasterLimits>, extra: Parameters<typeof startTestMaster>[0] = {}) {
  const master = await startTestMaster({ engine, tokens, limits, ...extra });
  t.teardown(master.close);
  return master;
}

interface Probe {
  socket: net.Socket;
  /** Resolves when the master closes the socket: ms after connecting, and what it wrote first. */
  closed: Promise<{ ms: number; data: string }>;
}

/** A raw TCP connection that writes only what `act` writes; the test never closes it before the master does. */
function probe(port: number, act: (socket: net.Socket) => void = () => {}, localAddress = '127.0.0.1'): Probe {
  const socket = net.connect({ port, host: '127.0.0.1', localAddress });
  let data = '';
  let connectedAt = performance.now();
  socket.on('data', (chunk: Buffer) => { data += chunk.toString('latin1'); });
  socket.on('error', () => {});
  socket.once('connect', () => { connectedAt = performance.now(); act(socket); });
  const closed = new Promise<{ ms: number; data: string }>((resolve) => socket.once('close', () => resolve({ ms: performance.now() - connectedAt, data })));
  return { socket, closed };
}

/** Writes `text` one byte every `everyMs` until the socket is gone. */
function drip(socket: net.Socket, text: string, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || !socket.writable) return clearInterval(timer);
    socket.write(text[i++ % text.length]);
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
}

interface Answer { status: number; headers: http.IncomingHttpHeaders; body: string }

/** One HTTP request from `localAddress` (a new connection each time); `signal` aborts it. */
function request(port: number, path: string, o: { token?: string; localAddress?: string; signal?: AbortSignal } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, path, localAddress: o.localAddress, agent: false, signal: o.signal,
      headers: o.token ? { authorization: `Bearer ${o.token}` } : {},
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Registers host h1 for agent a1 and gives its current desired index. */
async function hostIndex(master: TestMaster): Promise<number> {
  await master.client.hosts.register('h1', 'a1');
  return (await master.client.agents.tasks('h1', 0, 0, { agentId: 'a1' })).index;
}

/** Until `check` holds, for at most `ms`. */
async function until(check: () => boolean | Promise<boolean>, ms = 5_000): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    if (await check()) return true;
    await sleep(20);
  }
  return check();
}

for (const engine of ENGINES) {
  test.serial(`${engine}: 500 slow or idle connections are closed within the timeouts while a real client is answered throughout`, async (t) => {
    const limits = { headersTimeoutMs: 1_000, requestTimeoutMs: 2_000, idleTimeoutMs: 1_000 };
    const master = await startLimited(t, engine, limits);
    const port = portOf(master);
    const index = await hostIndex(master);
    const before = await connections(master);
    const fdsBefore = openFds();

    // A long-poll longer than the request timeout: its wait starts once its request is read.
    const longPollStart = performance.now();
    const longPoll = master.client.agents.tasks('h1', index, 3_000, { agentId: 'a1' }).then(() => performance.now() - longPollStart);

    const attackStart = performance.now();
    const body = (token: string) => `POST /jobs HTTP/1.1\r\nHost: m\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n`;
    const kinds = {
      silent: () => {},
      partialHeader: (s: net.Socket) => { s.write('GET /version HTTP/1.1\r\nHost: m\r\n'); drip(s, 'X-Slow: yes\r\n', 400); },
      slowBody: (s: net.Socket) => { s.write(body(ADMIN)); drip(s, '{"name":"x"}', 500); },
      slowBodyBadToken: (s: net.Socket) => { s.write(body('wrong-token-0123456789')); drip(s, '{"name":"x"}', 500); },
    };
    const probes = Object.entries(kinds).flatMap(([kind, act]) => Array.from({ length: 125 }, () => ({ kind, ...probe(port, act) })));
    await until(async () => (await connections(master)) >= before + 375, 5_000);
    const peak = await connections(master);
    const fdsPeak = openFds();

    // The real client: GET /version every 20 ms until every attacking socket is closed.
    const latencies: number[] = [];
    const answeredAt: number[] = [];
    const failures: string[] = [];
    let attacking = true;
    const clientStart = performance.now();
    const client = (async () => {
      while (attacking) {
        const start = performance.now();
        try {
          await master.client.version();
          latencies.push(performance.now() - start);
          answeredAt.push(performance.now());
        } catch (err) {
          failures.push(String(err));
        }
        await sleep(20);
      }
    })();
    const results = await Promise.all(probes.map(async (p) => ({ kind: p.kind, ...(await p.closed) })));
    const attackMs = performance.now() - attackStart;
    const attackEnd = performance.now();
    attacking = false;
    await client;
    const longPollMs = await longPoll;
    const after = await connections(master);
    const fdsAfter = openFds();

    // Node checks the timeouts every quarter of the shorter one; the rest is slack for a loaded machine
    // (500 connections arrive at once, and other test files run beside this one: 8.3 s was seen for a
    // 2 s request timeout in the full suite on 2 cores). Still far below what would mean "not closed by
    // the configured timeout": node's defaults are 60 s (headers) and 300 s (request).
    const slack = 10_000;
    const worst = (kind: string) => Math.max(...results.filter((r) => r.kind === kind).map((r) => r.ms));
    const answered = (kind: string, status: string) => results.filter((r) => r.kind === kind && r.data.startsWith(`HTTP/1.1 ${status}`)).length;
    for (const kind of ['silent', 'partialHeader']) {
      t.true(worst(kind) <= limits.headersTimeoutMs + slack, `${kind}: closed after ${worst(kind)} ms`);
      t.is(answered(kind, '408'), 125, kind);
    }
    t.true(worst('slowBody') <= limits.requestTimeoutMs + slack, `slowBody: closed after ${worst('slowBody')} ms`);
    t.is(answered('slowBody', '408'), 125);
    t.true(worst('slowBodyBadToken') <= slack, `slowBodyBadToken: closed after ${worst('slowBodyBadToken')} ms`);
    t.is(answered('slowBodyBadToken', '401'), 125);
    t.true(results.filter((r) => r.kind === 'slowBodyBadToken').every((r) => /\r\nconnection: close\r\n/i.test(r.data)));
    t.true(results.filter((r) => r.kind !== 'slowBodyBadToken').every((r) => r.ms >= limits.headersTimeoutMs - 50), 'none closed before its timeout');

    t.deepEqual(failures, []);
    // Answered throughout: never longer without an answer than the slowest answer allowed below (2 s)
    // and the client's pause, from its start to the attack's end, however loaded the machine (a
    // count of answers would measure its speed instead).
    const gaps = [clientStart, ...answeredAt, Math.max(attackEnd, answeredAt.at(-1) ?? attackEnd)].slice(1).map((at, i, all) => at - (i === 0 ? clientStart : all[i - 1]));
    t.true(Math.max(...gaps) < 2_500, `the longest time without an answer: ${Math.round(Math.max(...gaps))} ms`);
    const sorted = [...latencies].sort((a, b) => a - b);
    t.true(sorted[sorted.length - 1] < 2_000, `slowest answer ${sorted[sorted.length - 1]} ms`);
    t.true(longPollMs >= 2_900, `the long-poll answered after ${Math.round(longPollMs)} ms, its full wait`);
    t.true(after <= before + 2, `${after} connections left (${before} before)`);
    t.log(`attack of 500 sockets over in ${Math.round(attackMs)} ms; closed after (worst, ms) silent ${Math.round(worst('silent'))}, `
      + `partial header ${Math.round(worst('partialHeader'))}, slow body ${Math.round(worst('slowBody'))}, slow body with a bad token ${Math.round(worst('slowBodyBadToken'))}`);
    t.log(`real client: ${latencies.length} answers, p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p99 ${percentile(sorted, 0.99).toFixed(1)} ms, `
      + `max ${sorted[sorted.length - 1].toFixed(1)} ms; long-poll of 3 s answered after ${Math.round(longPollMs)} ms; `
      + `server connections ${before} before, ${peak} at the peak, ${after} after; fds of this process (both ends) ${fdsBefore}, ${fdsPeak}, ${fdsAfter}`);
  });

  test(`${engine}: a 403 closes its connection instead of reading the rest of a slow body`, async (t) => {
    const master = await startLimited(t, engine, {});
    const refused = probe(portOf(master), (s) => {
      // The agent role may not create jobs: refused before the body is read.
      s.write(`POST /jobs HTTP/1.1\r\nHost: m\r\nAuthorization: Bearer ${FLEET}\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n`);
      drip(s, '{"name":"x"}', 200);
    });
    const { ms, data } = await refused.closed;
    t.regex(data, /^HTTP\/1\.1 403 Forbidden\r\n/);
    t.regex(data, /\r\nconnection: close\r\n/i);
    // Reading the dripped body would take until the request timeout (60 s); a loaded CI took 2.3 s to refuse.
    t.true(ms < 10_000, `closed after ${Math.round(ms)} ms (the request timeout is 60 s)`);
  });

  test(`${engine}: a TLS handshake that never comes is cut at the headers timeout`, async (t) => {
    const certs = await makeCerts();
    t.teardown(certs.cleanup);
    const master = await startLimited(t, engine, { headersTimeoutMs: 1_000, requestTimeoutMs: 2_000 }, { tls: certs.serverTls(), clientTls: certs.clientTls() });
    const silent = probe(portOf(master));
    const { ms } = await silent.closed;
    t.true(ms >= 950 && ms <= 2_500, `closed after ${Math.round(ms)} ms (node's default is 120 s)`);
    t.truthy(await master.client.version());
  });

  test.serial(`${engine}: an unauthenticated flood grows the log by at most one line a second, without its URLs`, async (t) => {
    const lines: Array<Record<string, unknown>> = [];
    const stream = new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(JSON.parse(chunk.toString())); done(); } });
    const master = await startLimited(t, engine, {}, { logger: { level: 'info', stream } });
    const port = portOf(master);
    await sleep(100);
    const startLines = lines.length;

    const longQuery = `?q=${'x'.repeat(8_000)}`;
    const paths = ['/jobs', '/hosts', '/nowhere', '/agents/h1/tasks'];
    const total = 3_000;
    let sent = 0;
    const statuses = new Map<number, number>();
    const start = performance.now();
    await Promise.all(Array.from({ length: 30 }, async () => {
      while (sent < total) {
        const i = sent++;
        const answer = await request(port, `${paths[i % paths.length]}${longQuery}${i}`, { token: `bad-token-${i}-0123456789` });
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      }
    }));
    const seconds = (performance.now() - start) / 1000;
    // One more a second later: its line counts the ones the last second left out.
    const floodLines = lines.length;
    await sleep(1_100);
    t.is((await request(port, '/jobs', { token: 'bad-token-last-0123456789' })).status, 401);
    await until(() => lines.length > floodLines, 2_000);
    const flood = lines.slice(startLines);

    t.deepEqual([...statuses], [[401, total]]);
    t.true(flood.length >= 1);
    t.true(flood.length <= Math.ceil(seconds) + 2, `${flood.length} lines in ${seconds.toFixed(1)} s and one a second later`);
    t.true(flood.every((l) => l.msg === 'unauthenticated request' && l.statusCode === 401 && l.url === undefined), JSON.stringify(flood[0]));
    t.false(flood.some((l) => JSON.stringify(l).includes('xxxxxxxxxx')));
    const counted = flood.reduce((n, l) => n + 1 + Number(l.suppressed), 0);
    t.is(counted, total + 1, 'every request is counted in a line');

    // An authenticated request's URL is logged, cut to 200 characters.
    const answer = await request(port, `/nowhere${longQuery}`, { token: ADMIN });
    t.is(answer.status, 404);
    await until(() => lines.some((l) => l.statusCode === 404), 2_000);
    const line = lines.find((l) => l.statusCode === 404)!;
    t.is(line.url, `/nowhere${longQuery}`.slice(0, 200) + '…');
    t.log(`${total} unauthenticated requests with 8 KB URLs in ${seconds.toFixed(1)} s (${Math.round(total / seconds)}/s) wrote ${flood.length} log lines`);
  });

  test(`${engine}: a job's ?token= is left out of the request log, whether the request is refused or done`, async (t) => {
    const lines: Array<Record<string, unknown>> = [];
    const stream = new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(JSON.parse(chunk.toString())); done(); } });
    const master = await startLimited(t, engine, {}, { logger: { level: 'info', stream } });
    const secret = 'job-secret-0123456789';
    const { id } = await master.client.jobs.create({ id: 'guarded:1', image: 'busybox:latest', token: secret });
    const refused = await master.client.jobs.remove(id, { token: `${secret}-wrong` }).catch((err: unknown) => err);
    t.true(isHeliosError(refused, 'FORBIDDEN'));
    await master.client.jobs.remove(id, { token: secret });
    await until(() => lines.filter((l) => l.method === 'DELETE').length === 2, 2_000);
    const deletes = lines.filter((l) => l.method === 'DELETE');
    t.deepEqual(deletes.map((l) => [l.statusCode, l.url]), [
      [403, `/jobs/${encodeURIComponent(id)}?token=REDACTED`],
      [200, `/jobs/${encodeURIComponent(id)}?token=REDACTED`],
    ]);
    t.false(lines.some((l) => JSON.stringify(l).includes(secret)), 'the token appears in no line');
  });

  test(`${engine}: blocking queries past the cap of an address or a token are answered 429 with Retry-After, and a released query frees its slot`, async (t) => {
    const master = await startLimited(t, engine, { maxBlockingPerClient: 2, maxBlockingPerToken: 3 });
    const port = portOf(master);
    const index = await hostIndex(master);
    const poll = `/agents/h1/tasks?index=${index}&wait=20000&id=a1`;
    const controllers: AbortController[] = [];
    t.teardown(() => { for (const c of controllers) c.abort(); });
    const hold = (localAddress: string, token = FLEET) => {
      const controller = new AbortController();
      controllers.push(controller);
      request(port, poll, { token, localAddress, signal: controller.signal }).catch(() => undefined);
      return controller;
    };
    const waiting = (n: number) => until(() => master.master.waitingQueries() === n);

    const first = hold('127.0.0.2');
    hold('127.0.0.2');
    t.true(await waiting(2));
    const refused = await request(port, poll, { token: FLEET, localAddress: '127.0.0.2' });
    t.is(refused.status, 429);
    t.is(refused.headers['retry-after'], '5');
    const error = JSON.parse(refused.body) as { status: string; message: string };
    t.is(error.status, 'TOO_MANY_REQUESTS');
    t.regex(error.message, /^127\.0\.0\.2 holds 2 blocking queries already \(--max-blocking-per-client\); retry in 5 s$/);
    // A query that would answer at once takes no slot.
    t.is((await request(port, `/agents/h1/tasks?index=0&wait=20000&id=a1`, { token: FLEET, localAddress: '127.0.0.2' })).status, 200);

    first.abort();
    t.true(await waiting(1));
    hold('127.0.0.2');
    t.true(await waiting(2), 'the freed slot is taken again');

    // The token "fleet" holds 2; one more from another address makes 3, its cap.
    hold('127.0.0.3');
    t.true(await waiting(3));
    const byToken = await request(port, poll, { token: FLEET, localAddress: '127.0.0.4' });
    t.is(byToken.status, 429);
    t.is(byToken.headers['retry-after'], '5');
    t.regex((JSON.parse(byToken.body) as { message: string }).message, /^token "fleet" holds 3 blocking queries already \(--max-blocking-per-token\)/);
    // Another token from that address still may.
    hold('127.0.0.4', ADMIN);
    t.true(await waiting(4));

    // 127.0.0.1 is every local process's address: it counts per token only.
    for (let i = 0; i < 3; i++) hold('127.0.0.1', ADMIN);
    t.true(await waiting(6), `${master.master.waitingQueries()} waiting`);
    const admin = await request(port, poll, { token: ADMIN });
    t.is(admin.status, 429, 'alice holds 4 with a cap of 3');
  });

  test(`${engine}: connections past the cap of an address are answered 429 and closed; past the total cap they are dropped`, async (t) => {
    const master = await startLimited(t, engine, { maxConnectionsPerClient: 5, maxConnections: 20 });
    const port = portOf(master);
    const open: Probe[] = [];
    t.teardown(() => { for (const p of open) p.socket.destroy(); });
    const connect = (localAddress: string) => {
      const p = probe(port, () => {}, localAddress);
      open.push(p);
      return p;
    };

    for (let i = 0; i < 5; i++) connect('127.0.0.2');
    t.true(await until(async () => (await connections(master)) === 5));
    const sixth = await connect('127.0.0.2').closed;
    t.regex(sixth.data, /^HTTP\/1\.1 429 Too Many Requests\r\nRetry-After: 2\r\nConnection: close\r\n/);
    const refused = await request(port, '/version', { token: ADMIN, localAddress: '127.0.0.2' });
    t.is(refused.status, 429);
    t.is(refused.headers['retry-after'], '2');
    const error = JSON.parse(refused.body) as { status: string; message: string };
    t.is(error.status, 'TOO_MANY_REQUESTS');
    t.regex(error.message, /^this address holds 5 connections to the master already \(--max-conns-per-client\)/);
    t.is((await request(port, '/version', { token: ADMIN, localAddress: '127.0.0.3' })).status, 200, 'another address is not held back');

    open[0].socket.destroy();
    t.true(await until(async () => (await request(port, '/version', { token: ADMIN, localAddress: '127.0.0.2' })).status === 200),
      'a closed connection frees its place');

    // 4 from 127.0.0.2 and 16 from 127.0.0.1 (not counted per address) make the total of 20.
    for (let i = 0; i < 16; i++) connect('127.0.0.1');
    t.true(await until(async () => (await connections(master)) === 20), `${await connections(master)} connections`);
    const dropped = await connect('127.0.0.1').closed;
    t.is(dropped.data, '', 'dropped without an answer');
    t.true(dropped.ms < 10_000, `dropped after ${Math.round(dropped.ms)} ms, not held until a timeout`);
    const overTotal = await request(port, '/version', { token: ADMIN }).catch((err: unknown) => err);
    t.true(overTotal instanceof Error && /ECONNRESET|socket hang up/.test(overTotal.message), String(overTotal));
  });

  test(`${engine}: a client sees the 429 of a blocking query as TOO_MANY_REQUESTS`, async (t) => {
    const master = await startLimited(t, engine, { maxBlockingPerToken: 1 });
    const index = await hostIndex(master);
    const controller = new AbortController();
    t.teardown(() => controller.abort());
    const holding = master.client.agents.tasks('h1', index, 20_000, { agentId: 'a1', signal: controller.signal }).catch(() => undefined);
    t.true(await until(() => master.master.waitingQueries() === 1));
    const err = await t.throwsAsync(master.client.agents.tasks('h1', index, 20_000, { agentId: 'a1' }));
    t.true(isHeliosError(err, 'TOO_MANY_REQUESTS'), String(err));
    t.regex(err!.message, /token "alice" holds 1 blocking queries already/);
    controller.abort();
    await holding;
  });
}
