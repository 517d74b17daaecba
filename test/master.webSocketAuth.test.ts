/**
 * WebSockets opened the way a web page opens them (the dashboard's terminal): no Authorization header,
 * the token offered as a subprotocol (core/channel/webSocketAuth.ts), an Origin header. A real master
 * and agent on the session's Docker engine; the client is `ws`, sending what a browser sends.
 */
import test from 'ava';
import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { attachExecClient } from '../core/channel/execClient.js';
import { Channel } from '../core/channel/frames.js';
import { BEARER_PROTOCOL_PREFIX, WEBSOCKET_PROTOCOL, bearerFromProtocols, webSocketProtocols } from '../core/channel/webSocketAuth.js';
import { deployJob, startMasterFor, startTestAgent, waitForState, type TestAgent } from './harness/agent.js';
import type { TestMaster } from './harness/master.js';

const TOKENS = [
  { token: 'admin-token-0123456789', role: 'admin' as const, name: 'root' },
  { token: 'exec-token-ünïcode+/=0123', role: 'exec' as const, name: 'oncall' },
  { token: 'read-token-0123456789', role: 'read' as const, name: 'viewer' },
  { token: 'agent-token-0123456789', role: 'agent' as const, name: 'agents' },
];

type Outcome = { protocol: string; output: string; exit: unknown } | { status: number; body: { status?: string; message?: string } };

/**
 * Opens `/jobs/:id/exec` as a page would (protocols, and an Origin unless `origin` is null), types
 * `input`, and collects the output until the exit code comes; or the refusal.
 */
function execAsPage(m: TestMaster, jobId: string, host: string, command: string[], input: string, protocols: string[], origin: string | null = m.url): Promise<Outcome> {
  const q = new URLSearchParams({ host, tty: 'true', stdin: 'true' });
  for (const word of command) q.append('command', word);
  const ws = new WebSocket(`${m.url.replace(/^http/, 'ws')}/jobs/${encodeURIComponent(jobId)}/exec?${q}`, protocols, origin === null ? {} : { origin });
  return new Promise((resolve, reject) => {
    // The master opens the stream at once: the mux must be there as the socket opens.
    ws.once('open', () => {
      let output = '';
      attachExecClient(ws as never, {
        output: (_stream, data, release) => { output += data.toString(); release(); },
        opened: (stream) => { stream.write(Channel.STDIN, Buffer.from(input)); },
        ended: ({ exitCode }) => resolve({ protocol: ws.protocol, output, exit: exitCode }),
      });
    });
    ws.once('unexpected-response', (_req, res: IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => { text += c; }).once('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as { status?: string } }));
    });
    ws.once('error', reject);
  });
}

async function runningShell(t: Parameters<typeof startMasterFor>[0], options: Parameters<typeof startMasterFor>[1]): Promise<{ m: TestMaster; agent: TestAgent; jobId: string }> {
  const m = await startMasterFor(t, options);
  const agent = await startTestAgent(t, m, options?.tokens ? { token: 'agent-token-0123456789' } : {});
  const jobId = await deployJob(m, agent.name, { name: 'shell', command: ['sh', '-c', 'exec sleep 1000'] });
  await waitForState(m, jobId, agent.name, 'RUNNING');
  return { m, agent, jobId };
}

test('the token as a subprotocol: encoded base64url, read back whole; anything else offered is no token', (t) => {
  const protocols = webSocketProtocols('exec-token-ünïcode+/=0123');
  t.is(protocols[0], WEBSOCKET_PROTOCOL);
  t.regex(protocols[1], /^base64url\.bearer\.helios\.[A-Za-z0-9_-]+$/, 'only characters a subprotocol may hold');
  t.is(bearerFromProtocols(protocols.join(', ')), 'exec-token-ünïcode+/=0123');
  t.deepEqual(webSocketProtocols(''), [WEBSOCKET_PROTOCOL]);
  t.is(bearerFromProtocols('helios.v1'), undefined);
  t.is(bearerFromProtocols(undefined), undefined);
  t.is(bearerFromProtocols(`${BEARER_PROTOCOL_PREFIX}not+base64`), '', 'not base64url: a token no master knows');
  t.is(bearerFromProtocols(`${BEARER_PROTOCOL_PREFIX}A`), '', 'a length base64 cannot have');
});

test('a page\'s exec with the token in its subprotocols runs, answered with helios.v1 (never the token), audited as the token\'s name; a plain GET is checked the same and runs nothing; a wrong or read token is refused', async (t) => {
  const { m, agent, jobId } = await runningShell(t, { tokens: TOKENS });
  const ran = await execAsPage(m, jobId, agent.name, ['sh'], 'echo hi-$((6*7)); exit 3\n', webSocketProtocols(TOKENS[1].token));
  if (!('output' in ran)) return t.fail(`refused: ${JSON.stringify(ran)}`);
  t.is(ran.protocol, WEBSOCKET_PROTOCOL);
  t.regex(ran.output, /hi-42/);
  t.is(ran.exit, 3);
  const [event] = (await m.client.audit({ job: jobId })).events.filter((e) => e.action === 'exec');
  t.is(event.token, 'oncall');

  // A plain GET (how a page asks why its upgrade was refused) gets the same checks, and runs nothing.
  const url = `${m.url}/jobs/${encodeURIComponent(jobId)}/exec?host=${agent.name}&command=sh`;
  const plain = await fetch(url, { headers: { authorization: `Bearer ${TOKENS[1].token}` } });
  t.is(plain.status, 400);
  t.regex((await plain.json() as { message: string }).message, /is a WebSocket endpoint/);
  const elsewhere = await fetch(url.replace(`host=${agent.name}`, 'host=other'), { headers: { authorization: `Bearer ${TOKENS[1].token}` } });
  t.like(await elsewhere.json(), { status: 'JOB_NOT_DEPLOYED' });
  t.is((await m.client.audit({ job: jobId })).events.filter((e) => e.action === 'exec').length, 1, 'only the exec that ran is audited');

  const wrong = await execAsPage(m, jobId, agent.name, ['sh'], '', webSocketProtocols('not-a-token-of-this-master'));
  t.like(wrong, { status: 401, body: { status: 'UNAUTHORIZED' } });
  const none = await execAsPage(m, jobId, agent.name, ['sh'], '', webSocketProtocols(''));
  t.like(none, { status: 401, body: { status: 'UNAUTHORIZED' } });
  const read = await execAsPage(m, jobId, agent.name, ['sh'], '', webSocketProtocols(TOKENS[2].token));
  t.like(read, { status: 403, body: { status: 'FORBIDDEN' } });
  if ('body' in read) t.regex(read.body.message ?? '', /needs role exec/);
});

test('a WebSocket from another site\'s page is refused by its Origin, even on a master without tokens; the master\'s own page, a client without Origin and a --cors-origin are not', async (t) => {
  const { m, agent, jobId } = await runningShell(t, { corsOrigins: ['https://ui.example.com:8443'] });
  const evil = await execAsPage(m, jobId, agent.name, ['true'], '', webSocketProtocols(''), 'http://evil.example');
  t.like(evil, { status: 403, body: { status: 'FORBIDDEN' } });
  if ('body' in evil) t.regex(evil.body.message ?? '', /a web page of http:\/\/evil\.example may not open a WebSocket to this master/);
  t.deepEqual((await m.client.audit({ job: jobId })).events.filter((e) => e.action === 'exec'), [], 'nothing ran, nothing audited');

  for (const origin of [m.url, null, 'https://ui.example.com:8443']) {
    const ran = await execAsPage(m, jobId, agent.name, ['sh', '-c', 'exit 0'], '', webSocketProtocols(''), origin);
    t.like(ran, { exit: 0 }, `origin ${origin}`);
  }
});
