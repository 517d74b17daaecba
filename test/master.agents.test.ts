import { Writable } from 'node:stream';
import test, { type ExecutionContext } from 'ava';
import { CLUSTER_ID_HEADER, createClient, type TaskStatus } from '../core/index.js';
import { CLOCK_AHEAD_MS, CLOCK_BEHIND_MS } from '../master/store/statuses.js';
import { dumpDb, expectError, heartbeatBody, startTestMaster, type TestMaster } from './harness/master.js';
import { ENGINES, testDatabase, type Engine } from './harness/engines.js';

const status = (jobId: string, state: TaskStatus['state'], over: Partial<TaskStatus> = {}): TaskStatus => ({
  jobId, goal: 'START', state, containerId: state === 'RUNNING' ? 'c0ffee' : null, throttled: 'NO', ports: {}, env: {}, containerError: null, ...over,
});

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const clusterOf = async (m: { url: string }, token?: string) =>
  (await fetch(`${m.url}/version`, { headers: token ? { Authorization: `Bearer ${token}` } : {} })).headers.get(CLUSTER_ID_HEADER)!;

/** A master where job web:1 was deployed on h1 (agent a1), reported RUNNING, then undeployed. */
async function undeployedWhileRunning(t: ExecutionContext, engine: Engine): Promise<{ m: TestMaster; id: string }> {
  const m = await startTestMaster({ engine });
  t.teardown(m.close);
  await m.client.hosts.register('h1', 'a1');
  const { id } = await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest' });
  await m.client.deployments.deploy('h1', id);
  await m.client.agents.reportStatuses('h1', { id: 'a1', updates: [{ status: status(id, 'RUNNING'), timestamp: Date.now() }], removed: [] });
  await m.client.deployments.undeploy('h1', id);
  return { m, id };
}

for (const engine of ENGINES) {
  test(`${engine}: heartbeat answers the DOWN timeout; an unknown host gets HOST_NOT_FOUND so the agent re-registers`, async (t) => {
    const m = await startTestMaster({ engine, downAfterMs: 12_345 });
    t.teardown(m.close);
    await expectError(t, m.client.agents.heartbeat('h1', heartbeatBody('a1')), 'HOST_NOT_FOUND');
    await expectError(t, m.client.agents.tasks('h1', 0, 0, { agentId: 'a1' }), 'HOST_NOT_FOUND');
    await expectError(t, m.client.agents.reportStatuses('h1', { id: 'a1', updates: [], removed: [] }), 'HOST_NOT_FOUND');
    await m.client.hosts.register('h1', 'a1');
    t.deepEqual(await m.client.agents.heartbeat('h1', heartbeatBody('a1')), { downAfterMs: 12_345 });
  });

  test(`${engine}: the blocking query answers at once when the host is behind, else on deploy`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await m.client.hosts.register('h1', 'a1');
    await m.client.hosts.register('h2', 'a2');
    const { id } = await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest' });
    const first = await m.client.agents.tasks('h1', 0, 60_000, { agentId: 'a1' });
    t.deepEqual(first.tasks, []);
    t.true(first.index > 0);
    const other = m.client.agents.tasks('h2', (await m.client.agents.tasks('h2', 0, 0, { agentId: 'a2' })).index, 60_000, { agentId: 'a2' });
    const waiting = m.client.agents.tasks('h1', first.index, 60_000, { agentId: 'a1' });
    for (let i = 0; i < 500 && m.master.waitingQueries() < 2; i++) await new Promise((r) => setTimeout(r, 20));
    t.is(m.master.waitingQueries(), 2, 'both long-polls are waiting before the deploy');
    const started = Date.now();
    await m.client.deployments.deploy('h1', id);
    const next = await waiting;
    // On the deploy, not at the query's 60 s timeout (half of it tells them apart on a loaded machine).
    t.true(Date.now() - started < 30_000, `answered ${Date.now() - started} ms after the deploy`);
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
    const onGoal = m.client.agents.tasks('h1', next.index, 60_000, { agentId: 'a1' });
    await m.client.deployments.setGoal('h1', id, 'STOP');
    t.is((await onGoal).tasks[0].goal, 'STOP');
  });

  test(`${engine}: the blocking query answers with the same index after its wait runs out`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await m.client.hosts.register('h1', 'a1');
    const first = await m.client.agents.tasks('h1', 0, 0, { agentId: 'a1' });
    const started = Date.now();
    const again = await m.client.agents.tasks('h1', first.index, 300, { agentId: 'a1' });
    t.true(Date.now() - started >= 290);
    t.is(again.index, first.index);
  });

  test(`${engine}: a client that goes away releases its waiter; close releases the rest`, async (t) => {
    const m = await startTestMaster({ engine });
    await m.client.hosts.register('h1', 'a1');
    const { index } = await m.client.agents.tasks('h1', 0, 0, { agentId: 'a1' });
    const controller = new AbortController();
    const abandoned = m.client.agents.tasks('h1', index, 60_000, { agentId: 'a1', signal: controller.signal }).catch((err) => err.name);
    const waitingBeforeClose = m.client.agents.tasks('h1', index, 60_000, { agentId: 'a1' });
    for (let i = 0; i < 500 && m.master.waitingQueries() < 2; i++) await new Promise((r) => setTimeout(r, 20));
    t.is(m.master.waitingQueries(), 2);
    controller.abort();
    t.is(await abandoned, 'AbortError');
    for (let i = 0; i < 500 && m.master.waitingQueries() > 1; i++) await new Promise((r) => setTimeout(r, 20));
    t.is(m.master.waitingQueries(), 1, 'the abandoned query no longer waits');
    // The master's close alone: the harness's then drops the test database (PostgreSQL), not the master's work.
    const started = Date.now();
    await m.master.close();
    t.true(Date.now() - started < 3_000, 'close does not wait for blocking queries');
    await m.close();
    t.is((await waitingBeforeClose).index, index, 'a waiter is answered, not cut off, at shutdown');
  });

  test(`${engine}: status reports update current statuses and append history, newest 100 per job and host`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await m.client.hosts.register('h1', 'a1');
    const { id } = await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest' });
    await m.client.deployments.deploy('h1', id);
    const t0 = Date.now();
    await m.client.agents.reportStatuses('h1', { id: 'a1', updates: [
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
    await m.client.agents.reportStatuses('h1', { id: 'a1', updates: many, removed: [] });
    const after = (await m.client.jobs.history(id)).events;
    t.is(after.length, 100);
    t.is(after[0].timestamp, t0 + 10 + 50);
    t.is(after[99].timestamp, t0 + 10 + 149);
  });

  test(`${engine}: history is in the order the reports arrived, across hosts, each event with its agent's timestamp`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const { id } = await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest' });
    await m.client.hosts.register('h1', 'a1');
    await m.client.hosts.register('h2', 'a2');
    await m.client.deployments.deploy('h1', id);
    await m.client.deployments.deploy('h2', id);
    const now = Date.now();
    // h1's clock runs 30 s behind h2's: its later report carries the earlier timestamp.
    await m.client.agents.reportStatuses('h2', { id: 'a2', updates: [{ status: status(id, 'RUNNING'), timestamp: now }], removed: [] });
    await m.client.agents.reportStatuses('h1', { id: 'a1', updates: [{ status: status(id, 'CREATING'), timestamp: now - 30_000 }], removed: [] });
    const { events } = await m.client.jobs.history(id);
    t.deepEqual(events.map((e) => [e.host, e.status.state, e.timestamp]), [['h2', 'RUNNING', now], ['h1', 'CREATING', now - 30_000]]);
  });

  test(`${engine}: an agent whose clock ran ahead does not freeze history: the newest 100 by arrival are kept`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await m.client.hosts.register('h1', 'a1');
    const { id } = await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest' });
    await m.client.deployments.deploy('h1', id);
    const future = Date.now() + 10 * 365 * 86_400_000;
    const ahead = Array.from({ length: 100 }, (_, i) => ({ status: status(id, 'EXITED', { containerError: `ahead ${i}` }), timestamp: future + i }));
    await m.client.agents.reportStatuses('h1', { id: 'a1', updates: ahead, removed: [] });
    for (let i = 0; i < 5; i++) {
      await m.client.agents.reportStatuses('h1', { id: 'a1', updates: [{ status: status(id, 'RUNNING', { containerId: `real-${i}` }), timestamp: Date.now() }], removed: [] });
    }
    const { events } = await m.client.jobs.history(id);
    t.is(events.length, 100);
    t.deepEqual(events.slice(-5).map((e) => e.status.containerId), ['real-0', 'real-1', 'real-2', 'real-3', 'real-4'], 'the real events are the newest');
    t.is(events[0].status.containerError, 'ahead 5', 'the oldest arrivals went first');
  });

  test(`${engine}: timestamps are kept within a minute ahead of and a week behind the master's clock`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await m.client.hosts.register('h1', 'a1');
    const { id } = await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest' });
    await m.client.deployments.deploy('h1', id);
    const before = Date.now();
    const anHourAgo = before - 3_600_000;
    await m.client.agents.reportStatuses('h1', { id: 'a1', updates: [
      { status: status(id, 'PULLING_IMAGE'), timestamp: before + 365 * 86_400_000 },
      { status: status(id, 'CREATING'), timestamp: 0 },
      { status: status(id, 'STARTING'), timestamp: -5 },
      { status: status(id, 'RUNNING'), timestamp: anHourAgo },
    ], removed: [] });
    const after = Date.now();
    const [ahead, epoch, negative, late] = (await m.client.jobs.history(id)).events.map((e) => e.timestamp);
    t.true(ahead >= before + CLOCK_AHEAD_MS && ahead <= after + CLOCK_AHEAD_MS, `a year ahead became ${ahead - after} ms ahead`);
    for (const behind of [epoch, negative]) {
      t.true(behind >= before - CLOCK_BEHIND_MS && behind <= after - CLOCK_BEHIND_MS, `${behind} is a week behind`);
    }
    t.is(late, anHourAgo, 'a report queued for an hour keeps its time');
  });

  test(`${engine}: a status report for a job not deployed on the host stores nothing, and is answered OK`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await m.client.hosts.register('h1', 'a1');
    await m.client.hosts.register('h2', 'a2');
    const { id } = await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest' });
    await m.client.deployments.deploy('h2', id);
    const before = await dumpDb(m.dbPath);
    const invented = Array.from({ length: 1_000 }, (_, i) => ({ status: status(`junk:${i}:${'a'.repeat(40)}`, 'RUNNING'), timestamp: Date.now() }));
    t.deepEqual(await m.client.agents.reportStatuses('h1', { id: 'a1', updates: [{ status: status(id, 'RUNNING'), timestamp: Date.now() }, ...invented], removed: [] }),
      { status: 'OK' });
    const after = await dumpDb(m.dbPath);
    for (const table of ['task_statuses', 'history']) t.deepEqual(after[table], before[table], `no ${table} row`);
    t.deepEqual((await m.client.hosts.status('h1')).statuses, {});
    t.deepEqual((await m.client.jobs.history(id)).events, []);
  });

  test(`${engine}: an undeployed task's statuses are taken until the agent reports it removed, even once its job is removed; later ones are not`, async (t) => {
    const { m, id } = await undeployedWhileRunning(t, engine);
    await m.client.jobs.remove(id);
    // The agent was stopping the container meanwhile: its reports arrive after the undeploy and the removal.
    await m.client.agents.reportStatuses('h1', { id: 'a1', updates: [{ status: status(id, 'STOPPING', { goal: 'UNDEPLOY' }), timestamp: Date.now() }], removed: [] });
    t.is((await m.client.hosts.status('h1')).statuses[id]?.state, 'STOPPING');
    await m.client.agents.reportStatuses('h1', { id: 'a1', updates: [{ status: status(id, 'STOPPED', { goal: 'UNDEPLOY' }), timestamp: Date.now() }], removed: [id] });
    t.deepEqual((await m.client.jobs.history(id)).events.map((e) => e.status.state), ['RUNNING', 'STOPPING', 'STOPPED']);
    t.deepEqual((await m.client.hosts.status('h1')).statuses, {});
    // Once removed, a stray report of the task brings nothing back.
    await m.client.agents.reportStatuses('h1', { id: 'a1', updates: [{ status: status(id, 'RUNNING'), timestamp: Date.now() }], removed: [] });
    t.deepEqual((await m.client.hosts.status('h1')).statuses, {});
    t.deepEqual((await m.client.jobs.history(id)).events.map((e) => e.status.state), ['RUNNING', 'STOPPING', 'STOPPED']);
  });

  test(`${engine}: a report of removed jobs drops their statuses after undeploy`, async (t) => {
    const { m, id } = await undeployedWhileRunning(t, engine);
    const { tasks } = await m.client.agents.tasks('h1', 0, 0, { agentId: 'a1' });
    t.deepEqual(tasks, []);
    await m.client.agents.reportStatuses('h1', { id: 'a1', updates: [{ status: status(id, 'STOPPED', { goal: 'UNDEPLOY' }), timestamp: Date.now() }], removed: [id] });
    t.deepEqual((await m.client.jobs.status(id)).taskStatuses, {});
    t.deepEqual((await m.client.hosts.status('h1')).statuses, {});
    t.is((await m.client.jobs.history(id)).events.at(-1)?.status.state, 'STOPPED');
  });

  test(`${engine}: a host registered after a sync deployed to it sees those tasks at once`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const applied = await m.client.sync.apply('repo', { repo: 'r', branch: 'main', path: 'jobs', commit: 'c1', errors: [],
      jobs: [{ file: 'jobs/web.yaml', spec: { name: 'web', version: '1', image: 'busybox:latest' }, hosts: ['later'], goal: 'START' }] });
    t.is(applied.state, 'APPLIED');
    await m.client.hosts.register('later', 'a1');
    const { tasks } = await m.client.agents.tasks('later', 0, 60_000, { agentId: 'a1' });
    t.is(tasks.length, 1);
    t.is(tasks[0].job.owner, 'git:repo');
  });

  test(`${engine}: a second agent under a registered host name gets neither its tasks nor its statuses: HOST_ID_MISMATCH`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await m.client.hosts.register('h1', 'a1');
    const { id } = await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest' });
    await m.client.deployments.deploy('h1', id);
    await m.client.agents.heartbeat('h1', heartbeatBody('a1'));
    await expectError(t, m.client.hosts.register('h1', 'a2'), 'HOST_ID_MISMATCH'); // a1 is UP: no take-over
    const refused = await expectError(t, m.client.agents.tasks('h1', 0, 0, { agentId: 'a2' }), 'HOST_ID_MISMATCH');
    t.is(refused.message, 'host h1 is registered by another agent; register again', 'the registered id is not told');
    t.is((await expectError(t, m.client.hosts.register('h1', 'a2'), 'HOST_ID_MISMATCH')).message,
      'host h1 is registered by another agent that is still UP; stop it, or wait until it is DOWN');
    await expectError(t, m.client.agents.reportStatuses('h1', { id: 'a2', updates: [{ timestamp: Date.now(), status: status(id, 'FAILED') }], removed: [] }), 'HOST_ID_MISMATCH');
    t.deepEqual((await m.client.jobs.status(id)).taskStatuses, {}, 'the refused report changed nothing');

    t.is((await m.client.agents.tasks('h1', 0, 0, { agentId: 'a1' })).tasks.length, 1, 'the registered agent gets its tasks');
    await m.client.agents.reportStatuses('h1', { id: 'a1', updates: [{ timestamp: Date.now(), status: status(id, 'RUNNING') }], removed: [] });
    t.is((await m.client.jobs.status(id)).taskStatuses.h1.state, 'RUNNING');
  });

  test(`${engine}: an index past the host's (the agent knew a restored or other database) is answered at once, not after the wait`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await m.client.hosts.register('h1', 'a1');
    const { index } = await m.client.agents.tasks('h1', 0, 0, { agentId: 'a1' });
    for (let i = 0; i < 5; i++) await m.client.agents.heartbeat('h1', heartbeatBody('a1')); // the global index moves on
    const started = Date.now();
    const answer = await m.client.agents.tasks('h1', index + 3, 30_000, { agentId: 'a1' });
    t.true(Date.now() - started < 5_000, `answered after ${Date.now() - started} ms`);
    t.is(answer.index, index);
  });

  test(`${engine}: every response carries the database's cluster id (successes, 404s, 401s); /version stays a bare JSON string`, async (t) => {
    const dbPath = await testDatabase(t, engine);
    const m = await startTestMaster({ engine, dbPath, tokens: ['t0k'] });
    const clusterId = await clusterOf(m, 't0k');
    t.regex(clusterId, UUID_V4);
    const answers = await Promise.all([
      fetch(`${m.url}/version`, { headers: { Authorization: 'Bearer t0k' } }),
      fetch(`${m.url}/no/such/endpoint`, { headers: { Authorization: 'Bearer t0k' } }),
      fetch(`${m.url}/jobs`),
      fetch(`${m.url}/agents/h1/tasks?index=0&id=a1`, { headers: { Authorization: 'Bearer wrong' } }),
    ]);
    t.deepEqual(answers.map((a) => a.status), [200, 404, 401, 401]);
    for (const answer of answers) t.is(answer.headers.get(CLUSTER_ID_HEADER), clusterId, answer.url);
    t.is(await answers[0].text(), '"0.1.0"');
    await m.close();

    const again = await startTestMaster({ engine, dbPath, tokens: ['t0k'] });
    t.teardown(again.close);
    t.is(await clusterOf(again, 't0k'), clusterId, 'the same database keeps its cluster id');
    const other = await startTestMaster({ engine });
    t.teardown(other.close);
    t.not(await clusterOf(other), clusterId, 'a new database is a new cluster');
  });

  test(`${engine}: the blocking query's answer names the cluster its tasks belong to`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await m.client.hosts.register('h1', 'a1');
    t.is((await m.client.agents.tasks('h1', 0, 0, { agentId: 'a1' })).clusterId, await clusterOf(m));
  });

  test(`${engine}: an agent of another cluster is refused with CLUSTER_MISMATCH naming both ids on every agent call, and nothing changes`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const ours = await clusterOf(m);
    await m.client.hosts.register('h1', 'a1', { clusterId: ours });
    const { id } = await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest' });
    await m.client.deployments.deploy('h1', id);
    const before = await dumpDb(m.dbPath);
    const theirs = { clusterId: '11111111-2222-4333-8444-555555555555' };
    const calls = [
      m.client.hosts.register('h1', 'a1', theirs),
      m.client.hosts.register('new-host', 'a9', theirs),
      m.client.agents.heartbeat('h1', heartbeatBody('a1'), theirs),
      m.client.agents.tasks('h1', 0, 0, { agentId: 'a1', ...theirs }),
      m.client.agents.tasks('unknown-host', 0, 0, { agentId: 'a1', ...theirs }),
      m.client.agents.reportStatuses('h1', { id: 'a1', updates: [{ timestamp: Date.now(), status: status(id, 'FAILED') }], removed: [id] }, theirs),
    ];
    for (const call of calls) {
      const err = await expectError(t, call, 'CLUSTER_MISMATCH');
      t.like(err.data, { clusterId: ours, agentClusterId: theirs.clusterId });
      t.true(err.message.includes(`belongs to cluster ${theirs.clusterId}, but this master is cluster ${ours}`), err.message);
      t.regex(err.message, /check its --master, or, if this master is its cluster now, restart it with --join-new-cluster$/);
    }
    t.deepEqual(await dumpDb(m.dbPath), before, 'no registration, heartbeat or status was taken');
    t.deepEqual(await m.client.hosts.list(), ['h1']);

    // Its own cluster's id, or none (an agent from before cluster ids, or one that has not recorded any): accepted.
    await m.client.agents.heartbeat('h1', heartbeatBody('a1'), { clusterId: ours });
    t.is((await m.client.agents.tasks('h1', 0, 0, { agentId: 'a1', clusterId: ours })).tasks.length, 1);
    t.is((await m.client.agents.tasks('h1', 0, 0, { agentId: 'a1' })).tasks.length, 1);
    // Only the agent protocol checks it: a client's request is not an agent's.
    t.truthy(await createClient({ baseUrl: m.url }).jobs.get(id));
    t.is((await fetch(`${m.url}/jobs`, { headers: { [CLUSTER_ID_HEADER]: theirs.clusterId } })).status, 200);
  });

  test(`${engine}: the master warns of an agent of another cluster once per host, not on each of its tries`, async (t) => {
    const lines: Array<Record<string, unknown>> = [];
    const stream = new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(JSON.parse(chunk.toString())); done(); } });
    const m = await startTestMaster({ engine, logger: { level: 'info', stream } });
    t.teardown(m.close);
    const theirs = { clusterId: '11111111-2222-4333-8444-555555555555' };
    for (let i = 0; i < 20; i++) {
      for (const host of ['h1', 'h2']) {
        await expectError(t, m.client.agents.heartbeat(host, heartbeatBody(`a-${host}`), theirs), 'CLUSTER_MISMATCH');
        await expectError(t, m.client.agents.tasks(host, 0, 0, { agentId: `a-${host}`, ...theirs }), 'CLUSTER_MISMATCH');
      }
    }
    await expectError(t, m.client.hosts.register('h1', 'a-h1', theirs), 'CLUSTER_MISMATCH');
    const warnings = lines.filter((l) => l.msg === 'refused an agent of another cluster');
    const ours = await clusterOf(m);
    t.deepEqual(warnings.map((l) => [l.level, l.host, l.clusterId, l.agentClusterId]), [[40, 'h1', ours, theirs.clusterId], [40, 'h2', ours, theirs.clusterId]]);
    const refusedCalls = lines.filter((l) => l.msg === 'request' && l.statusCode === 409);
    t.deepEqual(refusedCalls.map((l) => l.url), ['/hosts/h1?id=a-h1'], 'the refused agent calls log at debug; the registration at info');
  });

  test(`${engine}: an agent id is required on the tasks query and on status reports`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await m.client.hosts.register('h1', 'a1');
    const noId = await fetch(`${m.url}/agents/h1/tasks?index=0`);
    t.is(noId.status, 400);
    t.like(await noId.json(), { status: 'INVALID_REQUEST', message: 'query parameter id: is required' });
    const noIdReport = await fetch(`${m.url}/agents/h1/statuses`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"updates":[],"removed":[]}' });
    t.is(noIdReport.status, 400);
    t.like(await noIdReport.json(), { status: 'INVALID_REQUEST', message: 'body.id: is required' });
  });
}
