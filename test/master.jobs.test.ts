import test from 'ava';
import { HELIOS_VERSION } from '../core/index.js';
import { expectError, startTestMaster } from './harness/master.js';
import { ENGINES } from './harness/engines.js';

const busybox = { image: 'busybox:latest' };

for (const engine of ENGINES) {
  test(`${engine}: create computes the Helios id hash and returns the stored job`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const created = await m.client.jobs.create({ id: 'foo:v1', image: 'rohan/memcached-tiny' });
    t.is(created.status, 'OK');
    t.is(created.id, 'foo:v1:2a89d5a87851d68678aabdad38d31faa296f5bf1');
    t.is(created.job.owner, 'cli');
    t.is(created.job.creatingUser, 'tester');
    t.true(typeof created.job.created === 'number');
    t.deepEqual(created.warnings, []);
    const job = await m.client.jobs.get(created.id);
    t.is(job.image, 'rohan/memcached-tiny');
    t.deepEqual(job.command, []);
  });

  test(`${engine}: create accepts a matching hash and refuses a wrong one with INVALID_JOB_DEFINITION`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const ok = await m.client.jobs.create({ id: 'foo:bar:3f5c6e4aef30e1ab68931dbd66a83226410b87e9', image: 'foo/bar:1' });
    t.is(ok.id, 'foo:bar:3f5c6e4aef30e1ab68931dbd66a83226410b87e9');
    const err = await expectError(t, m.client.jobs.create({ id: `foo:baz:${'0'.repeat(40)}`, image: 'foo/bar:1' }), 'INVALID_JOB_DEFINITION');
    const errors = err.data.errors as { path: string; message: string }[];
    t.is(errors[0].path, 'id');
    t.regex(errors[0].message, /does not match/);
  });

  test(`${engine}: create lists every validation error with its field path`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const err = await expectError(t, m.client.jobs.create({ id: 'x:1', command: 'ls' } as never), 'INVALID_JOB_DEFINITION');
    const paths = (err.data.errors as { path: string }[]).map((e) => e.path);
    t.true(paths.includes('image'), JSON.stringify(paths));
    t.true(paths.includes('command'), JSON.stringify(paths));
  });

  test(`${engine}: the same job twice, or the same name:version with another config, is JOB_ALREADY_EXISTS`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const { id } = await m.client.jobs.create({ id: 'web:1', ...busybox });
    const same = await expectError(t, m.client.jobs.create({ id: 'web:1', ...busybox }), 'JOB_ALREADY_EXISTS');
    t.is(same.data.id, id);
    const other = await expectError(t, m.client.jobs.create({ id: 'web:1', image: 'busybox:1.36' }), 'JOB_ALREADY_EXISTS');
    t.is(other.data.id, id);
    t.regex(other.message, /another configuration/);
  });

  test(`${engine}: list filters by id substring and by deployed host pattern`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const a = await m.client.jobs.create({ id: 'alpha:1', ...busybox });
    const b = await m.client.jobs.create({ id: 'beta:1', ...busybox });
    await m.client.hosts.register('edge-1', 'agent-1');
    await m.client.deployments.deploy('edge-1', b.id);
    t.deepEqual(Object.keys(await m.client.jobs.list()).sort(), [a.id, b.id].sort());
    t.deepEqual(Object.keys(await m.client.jobs.list({ q: 'alph' })), [a.id]);
    t.deepEqual(Object.keys(await m.client.jobs.list({ hostPattern: 'edge' })), [b.id]);
    t.deepEqual(Object.keys(await m.client.jobs.list({ q: 'nothing-like-this' })), []);
  });

  test(`${engine}: a job can be fetched by name:version without its hash`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const { id } = await m.client.jobs.create({ id: 'web:2', ...busybox });
    t.is((await m.client.jobs.get('web:2')).id, id);
  });

  test(`${engine}: get, status and remove of an unknown job are JOB_NOT_FOUND`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const missing = `nope:1:${'a'.repeat(40)}`;
    await expectError(t, m.client.jobs.get(missing), 'JOB_NOT_FOUND');
    await expectError(t, m.client.jobs.status(missing), 'JOB_NOT_FOUND');
    await expectError(t, m.client.jobs.remove(missing), 'JOB_NOT_FOUND');
    await expectError(t, m.client.jobs.history(missing), 'JOB_NOT_FOUND');
  });

  test(`${engine}: remove needs the job token when the job has one (FORBIDDEN otherwise)`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const { id } = await m.client.jobs.create({ id: 'secret:1', ...busybox, token: 's3cret' });
    await expectError(t, m.client.jobs.remove(id), 'FORBIDDEN');
    await expectError(t, m.client.jobs.remove(id, { token: 'wrong' }), 'FORBIDDEN');
    t.deepEqual(await m.client.jobs.remove(id, { token: 's3cret' }), { status: 'OK' });
    await expectError(t, m.client.jobs.get(id), 'JOB_NOT_FOUND');
  });

  test(`${engine}: remove of a deployed job is STILL_IN_USE naming the hosts`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const { id } = await m.client.jobs.create({ id: 'busy:1', ...busybox });
    await m.client.hosts.register('h1', 'a1');
    await m.client.deployments.deploy('h1', id);
    const err = await expectError(t, m.client.jobs.remove(id), 'STILL_IN_USE');
    t.deepEqual(err.data.hosts, ['h1']);
    await m.client.deployments.undeploy('h1', id);
    await m.client.jobs.remove(id);
    t.deepEqual(await m.client.jobs.list(), {});
  });

  test(`${engine}: job status shows deployments and task statuses by host; bulk statuses skip unknown ids`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const { id } = await m.client.jobs.create({ id: 'st:1', ...busybox });
    await m.client.hosts.register('h1', 'a1');
    await m.client.deployments.deploy('h1', id, { goal: 'STOP' });
    const status = await m.client.jobs.status(id);
    t.is(status.job.id, id);
    t.is(status.deployments.h1.goal, 'STOP');
    t.is(status.deployments.h1.deployerUser, 'tester');
    t.is(status.deployments.h1.deployerMaster, 'test-master');
    t.deepEqual(status.taskStatuses, {});
    const bulk = await m.client.jobs.statuses([id, `nope:1:${'b'.repeat(40)}`]);
    t.deepEqual(Object.keys(bulk), [id]);
  });

  test(`${engine}: an expired job is undeployed everywhere and removed by the reaper`, async (t) => {
    const m = await startTestMaster({ engine, reaperIntervalMs: 50 });
    t.teardown(m.close);
    // Room for the create and deploy before it expires: at load 26 they took over 5 s (the host is
    // registered before the clock starts).
    await m.client.hosts.register('h1', 'a1');
    const expires = new Date(Date.now() + 12_000).toISOString();
    const { id } = await m.client.jobs.create({ id: 'brief:1', ...busybox, expires });
    await m.client.deployments.deploy('h1', id);
    const first = await m.client.agents.tasks('h1', 0, 0, { agentId: 'a1' });
    t.is(first.tasks.length, 1);
    const next = await m.client.agents.tasks('h1', first.index, 30_000, { agentId: 'a1' });
    t.deepEqual(next.tasks, []);
    t.true(Date.now() >= Date.parse(expires));
    await expectError(t, m.client.jobs.get(id), 'JOB_NOT_FOUND');
  });

  test(`${engine}: every response carries Helios-Server-Version; /version and /masters answer JSON`, async (t) => {
    const m = await startTestMaster({ engine, name: 'm-1' });
    t.teardown(m.close);
    t.is(await m.client.version(), HELIOS_VERSION);
    t.deepEqual(await m.client.masters(), ['m-1']);
    for (const path of ['/version', '/jobs', '/no/such/endpoint', `/jobs/x:1:${'c'.repeat(40)}`]) {
      const res = await fetch(m.url + path);
      t.is(res.headers.get('helios-server-version'), HELIOS_VERSION, path);
      t.regex(res.headers.get('content-type') ?? '', /application\/json/, path);
    }
    const notFound = await fetch(`${m.url}/no/such/endpoint`);
    t.is(notFound.status, 404);
    t.is(((await notFound.json()) as { status: string }).status, 'NOT_FOUND');
  });

  test(`${engine}: pulumi-owned jobs record their owner`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const created = await m.clientWith({ owner: 'pulumi' }).jobs.create({ id: 'pj:1', ...busybox });
    t.is(created.job.owner, 'pulumi');
    t.is((await m.client.jobs.get(created.id)).owner, 'pulumi');
  });
}
