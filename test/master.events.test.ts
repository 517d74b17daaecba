/**
 * GET /events, the dashboard's change stream, against a real master on 127.0.0.1: a hello with the
 * index, then a change naming what changed, for a deploy, an agent's status report, a sync and a
 * rollout's steps; role
 * read at least; the master's shutdown ends the stream.
 */
import test from 'ava';
import { serverSentEvents, type ChangeEvent, type ServerSentEvent, type TaskStatus } from '../core/index.js';
import type { TokenEntry } from '../master/auth/tokenFile.js';
import { heartbeatBody, startTestMaster } from './harness/master.js';
import { waitFor } from './harness/processes.js';
import { ENGINES } from './harness/engines.js';

const tokens: TokenEntry[] = [
  { token: 'deploy-token-0123456789', role: 'deploy', name: 'ci' },
  { token: 'read-token-0123456789', role: 'read', name: 'dashboard' },
  { token: 'agent-token-0123456789', role: 'agent', name: 'agents' },
];

/** An open stream: its events as they come, and a way to wait for the next one that matches. */
async function openEvents(url: string, token?: string) {
  const controller = new AbortController();
  const response = await fetch(`${url}/events`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: controller.signal });
  const events: ServerSentEvent[] = [];
  const waiters = new Set<() => void>();
  let ended = false;
  const parse = serverSentEvents((event) => { events.push(event); for (const wake of [...waiters]) wake(); });
  const reading = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body ?? []) parse(decoder.decode(chunk as Uint8Array, { stream: true }));
    } catch { /* aborted */ }
    ended = true;
    for (const wake of [...waiters]) wake();
  })();
  /** The first event from `from` on that `match` takes, within 10 s. */
  async function next(match: (e: ServerSentEvent) => boolean, from = 0): Promise<ServerSentEvent> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = events.slice(from).find(match);
      if (found) return found;
      if (ended || Date.now() > deadline) throw new Error(`no such event; got ${JSON.stringify(events)}`);
      await new Promise<void>((resolve) => { const wake = () => { waiters.delete(wake); resolve(); }; waiters.add(wake); setTimeout(wake, 200); });
    }
  }
  return { response, events, next, ended: () => ended, reading, close: () => controller.abort() };
}

const changeWith = (topic: string) => (e: ServerSentEvent) => e.event === 'change' && (JSON.parse(e.data) as ChangeEvent).topics.includes(topic as never);

for (const engine of ENGINES) {
  test(`${engine}: GET /events: hello with the index, then a change per write naming deployments, statuses, sync`, async (t) => {
    const m = await startTestMaster({ engine, tokens });
    t.teardown(m.close);
    const agent = m.clientWith({ token: 'agent-token-0123456789' });
    await agent.hosts.register('h1', 'a1');
    const { id } = await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest' });
    const stream = await openEvents(m.url, 'read-token-0123456789');
    t.teardown(stream.close);
    t.is(stream.response.status, 200);
    t.regex(stream.response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const hello = await stream.next((e) => e.event === 'hello');
    const helloIndex = (JSON.parse(hello.data) as { index: number }).index;
    t.true(helloIndex > 0);

    await m.client.deployments.deploy('h1', id);
    const deployed = JSON.parse((await stream.next(changeWith('deployments'))).data) as ChangeEvent;
    t.true(deployed.index > helloIndex);
    const seen = stream.events.length;
    const running: TaskStatus = { jobId: id, goal: 'START', state: 'RUNNING', containerId: 'c0ffee', throttled: 'NO', ports: {}, env: {}, containerError: null };
    await agent.agents.reportStatuses('h1', { id: 'a1', updates: [{ status: running, timestamp: Date.now() }], removed: [] });
    const reported = await stream.next(changeWith('statuses'), seen);
    t.is(reported.id, String((JSON.parse(reported.data) as ChangeEvent).index));
    await m.client.sync.apply('apps', { repo: 'http://127.0.0.1/r.git', branch: 'main', path: 'jobs', commit: 'c1', jobs: [], errors: [] });
    t.deepEqual((JSON.parse((await stream.next(changeWith('sync'))).data) as ChangeEvent).topics.sort(), ['deployments', 'jobs', 'sync']);
    // A refused request changed nothing: no event.
    const before = stream.events.length;
    await m.client.deployments.deploy('h1', id).catch(() => {});
    await new Promise((r) => setTimeout(r, 300));
    t.is(stream.events.length, before, 'JOB_ALREADY_DEPLOYED sends no change');
  });

  test(`${engine}: GET /events: a rollout's steps, which no request makes, are changes of deployments too`, async (t) => {
    const m = await startTestMaster({ engine, tokens });
    t.teardown(m.close);
    const agent = m.clientWith({ token: 'agent-token-0123456789' });
    await agent.hosts.register('h1', 'a1');
    await agent.agents.heartbeat('h1', heartbeatBody('a1', { labels: { role: 'web' } }));
    const { id } = await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest' });
    await m.client.deploymentGroups.create({ name: 'web', hostSelectors: [{ label: 'role', operator: 'EQUALS', operand: 'web' }] });
    await m.client.deploymentGroups.rollingUpdate('web', { job: id });
    await waitFor(async () => (await m.client.deployments.get('h1', id)) !== undefined, { message: 'the engine deployed web:1' });
    const stream = await openEvents(m.url, 'read-token-0123456789');
    t.teardown(stream.close);
    await stream.next((e) => e.event === 'hello');
    // A first change, so that what was pending before the stream opened is sent and out of the way.
    await m.client.jobs.create({ id: 'other:1', image: 'busybox:latest' });
    await stream.next(changeWith('jobs'));
    const seen = stream.events.length;
    const running: TaskStatus = { jobId: id, goal: 'START', state: 'RUNNING', containerId: 'c0ffee', throttled: 'NO', ports: {}, env: {}, containerError: null };
    await agent.agents.reportStatuses('h1', { id: 'a1', updates: [{ status: running, timestamp: Date.now() }], removed: [] });
    await waitFor(async () => (await m.client.deploymentGroups.status('web')).status === 'ACTIVE', { message: 'the rollout done' });
    // The report itself is a change of statuses; the engine's steps after it (its wait done, the rollout ended) of deployments.
    await stream.next(changeWith('deployments'), seen);
    t.pass();
  });

  test(`${engine}: GET /events needs role read; the master's shutdown ends the stream`, async (t) => {
    const m = await startTestMaster({ engine, tokens });
    t.teardown(m.close);
    t.is((await fetch(`${m.url}/events`)).status, 401);
    t.is((await fetch(`${m.url}/events`, { headers: { authorization: 'Bearer agent-token-0123456789' } })).status, 403);
    const stream = await openEvents(m.url, 'deploy-token-0123456789');
    await stream.next((e) => e.event === 'hello');
    const started = Date.now();
    await m.close();
    await stream.reading;
    t.true(stream.ended());
    t.true(Date.now() - started < 3_000, 'close() does not wait for the stream');
  });
}
