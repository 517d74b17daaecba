import test from 'ava';
import { expectError, heartbeatBody, startTestMaster } from './harness/master.js';
import { ENGINES } from './harness/engines.js';

for (const engine of ENGINES) {
  test(`${engine}: register is idempotent for the same agent id`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await m.client.hosts.register('h1', 'agent-1');
    await m.client.hosts.register('h1', 'agent-1');
    t.deepEqual(await m.client.hosts.list(), ['h1']);
  });

  test(`${engine}: another agent id while the host is UP is HOST_ID_MISMATCH; once DOWN the new id takes over`, async (t) => {
    const m = await startTestMaster({ engine, downAfterMs: 1500 });
    t.teardown(m.close);
    await m.client.hosts.register('h1', 'agent-1');
    await m.client.agents.heartbeat('h1', heartbeatBody('agent-1'));
    t.is((await m.client.hosts.status('h1')).status, 'UP');
    await expectError(t, m.client.hosts.register('h1', 'agent-2'), 'HOST_ID_MISMATCH');
    await new Promise((r) => setTimeout(r, 1700));
    t.is((await m.client.hosts.status('h1')).status, 'DOWN');
    await m.client.hosts.register('h1', 'agent-2');
    // The old agent is told it lost the name.
    await expectError(t, m.client.agents.heartbeat('h1', heartbeatBody('agent-1')), 'HOST_ID_MISMATCH');
    await m.client.agents.heartbeat('h1', heartbeatBody('agent-2'));
    t.is((await m.client.hosts.status('h1')).status, 'UP');
  });

  test(`${engine}: host status reports info, labels, environment, deployments and task statuses`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await m.client.hosts.register('h1', 'agent-1');
    const before = await m.client.hosts.status('h1');
    t.is(before.status, 'DOWN');
    t.is(before.lastSeen, null);
    t.is(before.hostInfo, null);
    await m.client.agents.heartbeat('h1', heartbeatBody('agent-1', { labels: { role: 'web' }, environment: { DC: 'x' }, dockerError: 'no socket' }));
    const { id } = await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest' });
    await m.client.deployments.deploy('h1', id);
    const status = await m.client.hosts.status('h1');
    t.is(status.status, 'UP');
    t.is(status.hostInfo?.cpus, 2);
    t.is(status.agentInfo?.version, '0.1.0');
    t.deepEqual(status.labels, { role: 'web' });
    t.deepEqual(status.environment, { DC: 'x' });
    t.is(status.dockerError, 'no socket');
    t.is(status.jobs[id].goal, 'START');
    t.true(typeof status.lastSeen === 'number');
    const bulk = await m.client.hosts.statuses(['h1', 'ghost']);
    t.deepEqual(Object.keys(bulk), ['h1']);
  });

  test(`${engine}: status and deregister of an unknown host are HOST_NOT_FOUND`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await expectError(t, m.client.hosts.status('ghost'), 'HOST_NOT_FOUND');
    await expectError(t, m.client.hosts.deregister('ghost'), 'HOST_NOT_FOUND');
  });

  test(`${engine}: deregister refuses a host with deployments (HOST_STILL_IN_USE) and removes an empty one`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await m.client.hosts.register('h1', 'agent-1');
    const { id } = await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest' });
    await m.client.deployments.deploy('h1', id);
    const err = await expectError(t, m.client.hosts.deregister('h1'), 'HOST_STILL_IN_USE');
    t.deepEqual(err.data.jobs, [id]);
    await m.client.deployments.undeploy('h1', id);
    await m.client.hosts.deregister('h1');
    t.deepEqual(await m.client.hosts.list(), []);
  });

  test(`${engine}: list filters hosts by name pattern and label selectors (AND, label must exist)`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const hosts = { 'web-1': { role: 'web', dc: 'a' }, 'web-2': { role: 'web', dc: 'b' }, 'db-1': { role: 'db', dc: 'a' }, bare: {} };
    for (const [name, labels] of Object.entries(hosts)) {
      await m.client.hosts.register(name, `agent-${name}`);
      await m.client.agents.heartbeat(name, heartbeatBody(`agent-${name}`, { labels }));
    }
    t.deepEqual(await m.client.hosts.list(), ['bare', 'db-1', 'web-1', 'web-2']);
    t.deepEqual(await m.client.hosts.list({ namePattern: 'web' }), ['web-1', 'web-2']);
    t.deepEqual(await m.client.hosts.list({ selector: ['role=web'] }), ['web-1', 'web-2']);
    t.deepEqual(await m.client.hosts.list({ selector: ['role=web', 'dc != a'] }), ['web-2']);
    t.deepEqual(await m.client.hosts.list({ selector: ['dc in (a, b)'] }), ['db-1', 'web-1', 'web-2']);
    t.deepEqual(await m.client.hosts.list({ selector: ['role notin (db)'] }), ['web-1', 'web-2']);
    t.deepEqual(await m.client.hosts.list({ selector: ['role=web'], namePattern: '2' }), ['web-2']);
  });

  test(`${engine}: a malformed selector is INVALID_REQUEST with the parser message`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const err = await expectError(t, m.client.hosts.list({ selector: ['role'] }), 'INVALID_REQUEST');
    t.regex(err.message, /selector/);
    t.regex(err.message, /role/);
  });

  test(`${engine}: deregister takes the host's statuses and history with it (as the dead-host reaper does); other hosts keep theirs`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const { id } = await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest' });
    for (const host of ['h1', 'h2']) {
      await m.client.hosts.register(host, `agent-${host}`);
      await m.client.deployments.deploy(host, id);
      const status = { jobId: id, goal: 'START' as const, state: 'RUNNING' as const, containerId: 'c0ffee', throttled: 'NO' as const, ports: {}, env: {}, containerError: null };
      await m.client.agents.reportStatuses(host, { id: `agent-${host}`, updates: [{ status, timestamp: Date.now() }], removed: [] });
    }
    t.deepEqual((await m.client.jobs.history(id)).events.map((e) => e.host), ['h1', 'h2']);
    await m.client.deployments.undeploy('h1', id);
    await m.client.hosts.deregister('h1');
    t.deepEqual((await m.client.jobs.history(id)).events.map((e) => e.host), ['h2'], 'h1\'s events went with it');
    t.deepEqual(Object.keys((await m.client.jobs.status(id)).taskStatuses), ['h2']);
  });
}
