import test from 'ava';
import type { TaskStatus } from '../core/index.js';
import { expectError, heartbeatBody, startTestMaster } from './harness/master.js';

const status = (jobId: string, state: TaskStatus['state'], over: Partial<TaskStatus> = {}): TaskStatus => ({
  jobId, goal: 'START', state, containerId: state === 'RUNNING' ? 'c0ffee' : null, throttled: 'NO', ports: {}, env: {}, containerError: null, ...over,
});

test('heartbeat answers the DOWN timeout; an unknown host gets HOST_NOT_FOUND so the agent re-registers', async (t) => {
  const m = await startTestMaster({ downAfterMs: 12_345 });
  t.teardown(m.close);
  await expectError(t, m.client.agents.heartbeat('h1', heartbeatBody('a1')), 'HOST_NOT_FOUND');
  await expectError(t, m.client.agents.tasks('h1', 0, 0), 'HOST_NOT_FOUND');
  await expectError(t, m.client.agents.reportStatuses('h1', { updates: [], removed: [] }), 'HOST_NOT_FOUND');
  await m.client.hosts.register('h1', 'a1');
  t.deepEqual(await m.client.agents.heartbeat('h1', heartbeatBody('a1')), { downAfterMs: 12_345 });
});

test('the blocking query answers at once when the host is behind, else on deploy', async (t) => {
  const m = await startTestMaster();
  t.teardown(m.close);
  await m.client.hosts.register('h1', 'a1');
  await m.client.hosts.register('h2', 'a2');
  const { id } = await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest' });
  const first = await m.client.agents.tasks('h1', 0, 60_000);
  t.deepEqual(first.tasks, []);
  t.true(first.index > 0);
  const other = m.client.agents.tasks('h2', (await m.client.agents.tasks('h2', 0, 0)).index, 60_000);
  const waiting = m.client.agents.tasks('h1', first.index, 60_000);
  for (let i = 0; i < 500 && m.master.waitingQueries() < 2; i++) await new Promise((r) => setTimeout(r, 20));
  t.is(m.master.waitingQueries(), 2, 'both long-polls are waiting before the deploy');
  const started = Date.now();
  await m.client.deployments.deploy('h1', id);
  const next = await waiting;
  t.true(Date.now() - started < 2_000);
  t.true(next.index > first.index);
  t.is(next.tasks.length, 1);
  t.like(next.tasks[0], { jobId: id, goal: 'START' });
  t.is(next.tasks[0].job.image, 'busybox:latest');
  // h2 did not change: its query is still waiting until it does.
  const race = await Promise.race([other.then(() => 'answered'), new Promise((r) => setTimeout(() => r('waiting'), 300))]);
  t.is(race, 'waiting');
  await m.client.deployments.deploy('h2', id);
  t.is((await other).tasks.length, 1);
  // Goal changes and undeploys wake it too.
  const onGoal = m.client.agents.tasks('h1', next.index, 60_000);
  await m.client.deployments.setGoal('h1', id, 'STOP');
  t.is((await onGoal).tasks[0].goal, 'STOP');
});

test('the blocking query answers with the same index after its wait runs out', async (t) => {
  const m = await startTestMaster();
  t.teardown(m.close);
  await m.client.hosts.register('h1', 'a1');
  const first = await m.client.agents.tasks('h1', 0, 0);
  const started = Date.now();
  const again = await m.client.agents.tasks('h1', first.index, 300);
  t.true(Date.now() - started >= 290);
  t.is(again.index, first.index);
});

test('a client that goes away releases its waiter; close releases the rest', async (t) => {
  const m = await startTestMaster();
  await m.client.hosts.register('h1', 'a1');
  const { index } = await m.client.agents.tasks('h1', 0, 0);
  const controller = new AbortController();
  const abandoned = m.client.agents.tasks('h1', index, 60_000, { signal: controller.signal }).catch((err) => err.name);
  const waitingBeforeClose = m.client.agents.tasks('h1', index, 60_000);
  for (let i = 0; i < 500 && m.master.waitingQueries() < 2; i++) await new Promise((r) => setTimeout(r, 20));
  t.is(m.master.waitingQueries(), 2);
  controller.abort();
  t.is(await abandoned, 'AbortError');
  for (let i = 0; i < 500 && m.master.waitingQueries() > 1; i++) await new Promise((r) => setTimeout(r, 20));
  t.is(m.master.waitingQueries(), 1, 'the abandoned query no longer waits');
  const started = Date.now();
  await m.close();
  t.true(Date.now() - started < 3_000, 'close does not wait for blocking queries');
  t.is((await waitingBeforeClose).index, index, 'a waiter is answered, not cut off, at shutdown');
});

test('status reports update current statuses and append history, newest 100 per job and host', async (t) => {
  const m = await startTestMaster();
  t.teardown(m.close);
  await m.client.hosts.register('h1', 'a1');
  const { id } = await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest' });
  await m.client.deployments.deploy('h1', id);
  const t0 = Date.now();
  await m.client.agents.reportStatuses('h1', { updates: [
    { status: status(id, 'PULLING_IMAGE'), timestamp: t0 },
    { status: status(id, 'CREATING'), timestamp: t0 + 1 },
    { status: status(id, 'RUNNING'), timestamp: t0 + 2 },
  ], removed: [] });
  const job = await m.client.jobs.status(id);
  t.is(job.taskStatuses.h1.state, 'RUNNING');
  t.is(job.taskStatuses.h1.containerId, 'c0ffee');
  t.is((await m.client.hosts.status('h1')).statuses[id].state, 'RUNNING');
  const { events } = await m.client.jobs.history(id);
  t.deepEqual(events.map((e) => e.status.state), ['PULLING_IMAGE', 'CREATING', 'RUNNING']);
  t.true(events.every((e) => e.host === 'h1'));

  const many = Array.from({ length: 150 }, (_, i) => ({ status: status(id, i % 2 ? 'RUNNING' : 'EXITED'), timestamp: t0 + 10 + i }));
  await m.client.agents.reportStatuses('h1', { updates: many, removed: [] });
  const after = (await m.client.jobs.history(id)).events;
  t.is(after.length, 100);
  t.is(after[0].timestamp, t0 + 10 + 50);
  t.is(after[99].timestamp, t0 + 10 + 149);
});

test('history is sorted by the agents\' timestamps across hosts', async (t) => {
  const m = await startTestMaster();
  t.teardown(m.close);
  const { id } = await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest' });
  await m.client.hosts.register('h1', 'a1');
  await m.client.hosts.register('h2', 'a2');
  await m.client.agents.reportStatuses('h2', { updates: [{ status: status(id, 'RUNNING'), timestamp: 2000 }], removed: [] });
  await m.client.agents.reportStatuses('h1', { updates: [{ status: status(id, 'CREATING'), timestamp: 1000 }], removed: [] });
  const { events } = await m.client.jobs.history(id);
  t.deepEqual(events.map((e) => [e.host, e.timestamp]), [['h1', 1000], ['h2', 2000]]);
});

test('a report of removed jobs drops their statuses after undeploy', async (t) => {
  const m = await startTestMaster();
  t.teardown(m.close);
  await m.client.hosts.register('h1', 'a1');
  const { id } = await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest' });
  await m.client.deployments.deploy('h1', id);
  await m.client.agents.reportStatuses('h1', { updates: [{ status: status(id, 'RUNNING'), timestamp: Date.now() }], removed: [] });
  await m.client.deployments.undeploy('h1', id);
  const { tasks } = await m.client.agents.tasks('h1', 0, 0);
  t.deepEqual(tasks, []);
  await m.client.agents.reportStatuses('h1', { updates: [{ status: status(id, 'STOPPED', { goal: 'UNDEPLOY' }), timestamp: Date.now() }], removed: [id] });
  t.deepEqual((await m.client.jobs.status(id)).taskStatuses, {});
  t.deepEqual((await m.client.hosts.status('h1')).statuses, {});
  t.is((await m.client.jobs.history(id)).events.at(-1)?.status.state, 'STOPPED');
});

test('a host registered after a sync deployed to it sees those tasks at once', async (t) => {
  const m = await startTestMaster();
  t.teardown(m.close);
  const applied = await m.client.sync.apply('repo', { repo: 'r', branch: 'main', path: 'jobs', commit: 'c1', errors: [],
    jobs: [{ file: 'jobs/web.yaml', spec: { name: 'web', version: '1', image: 'busybox:latest' }, hosts: ['later'], goal: 'START' }] });
  t.is(applied.state, 'APPLIED');
  await m.client.hosts.register('later', 'a1');
  const { tasks } = await m.client.agents.tasks('later', 0, 60_000);
  t.is(tasks.length, 1);
  t.is(tasks[0].job.owner, 'git:repo');
});

test('a second agent under a registered host name gets neither its tasks nor its statuses: HOST_ID_MISMATCH', async (t) => {
  const m = await startTestMaster();
  t.teardown(m.close);
  await m.client.hosts.register('h1', 'a1');
  const { id } = await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest' });
  await m.client.deployments.deploy('h1', id);
  await m.client.agents.heartbeat('h1', heartbeatBody('a1'));
  await expectError(t, m.client.hosts.register('h1', 'a2'), 'HOST_ID_MISMATCH'); // a1 is UP: no take-over
  const refused = await expectError(t, m.client.agents.tasks('h1', 0, 0, { agentId: 'a2' }), 'HOST_ID_MISMATCH');
  t.regex(refused.message, /host h1 is registered by another agent/);
  await expectError(t, m.client.agents.reportStatuses('h1', { id: 'a2', updates: [{ timestamp: Date.now(), status: status(id, 'FAILED') }], removed: [] }), 'HOST_ID_MISMATCH');
  t.deepEqual((await m.client.jobs.status(id)).taskStatuses, {}, 'the refused report changed nothing');

  t.is((await m.client.agents.tasks('h1', 0, 0, { agentId: 'a1' })).tasks.length, 1, 'the registered agent gets its tasks');
  await m.client.agents.reportStatuses('h1', { id: 'a1', updates: [{ timestamp: Date.now(), status: status(id, 'RUNNING') }], removed: [] });
  t.is((await m.client.jobs.status(id)).taskStatuses.h1.state, 'RUNNING');
});

test('an index past the host\'s (the agent knew a restored or other database) is answered at once, not after the wait', async (t) => {
  const m = await startTestMaster();
  t.teardown(m.close);
  await m.client.hosts.register('h1', 'a1');
  const { index } = await m.client.agents.tasks('h1', 0, 0);
  for (let i = 0; i < 5; i++) await m.client.agents.heartbeat('h1', heartbeatBody('a1')); // the global index moves on
  const started = Date.now();
  const answer = await m.client.agents.tasks('h1', index + 3, 30_000, { agentId: 'a1' });
  t.true(Date.now() - started < 5_000, `answered after ${Date.now() - started} ms`);
  t.is(answer.index, index);
});
