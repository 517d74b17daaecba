import test, { type ExecutionContext } from 'ava';
import type { SyncApplyRequest } from '../core/index.js';
import { expectError, startTestMaster, type TestMaster } from './harness/master.js';
import { ENGINES, type Engine } from './harness/engines.js';

const busybox = { image: 'busybox:latest' };

async function withHost(t: ExecutionContext, engine: Engine): Promise<TestMaster> {
  const m = await startTestMaster({ engine });
  t.teardown(m.close);
  await m.client.hosts.register('h1', 'agent-1');
  return m;
}

const syncBody = (jobs: SyncApplyRequest['jobs'], commit = 'c1'): SyncApplyRequest =>
  ({ repo: 'http://git.example/repo.git', branch: 'main', path: 'jobs', commit, jobs, errors: [] });

for (const engine of ENGINES) {
  test(`${engine}: deploy, get, set goal and undeploy a job on a host`, async (t) => {
    const m = await withHost(t, engine);
    const { id } = await m.client.jobs.create({ id: 'web:1', ...busybox });
    t.deepEqual(await m.client.deployments.deploy('h1', id), { status: 'OK' });
    t.like(await m.client.deployments.get('h1', id), { jobId: id, goal: 'START', owner: 'cli', deployerUser: 'tester' });
    await m.client.deployments.setGoal('h1', id, 'STOP');
    t.is((await m.client.deployments.get('h1', id)).goal, 'STOP');
    await m.client.deployments.undeploy('h1', id);
    await expectError(t, m.client.deployments.get('h1', id), 'JOB_NOT_DEPLOYED');
  });

  test(`${engine}: deploy twice reports JOB_ALREADY_DEPLOYED`, async (t) => {
    const m = await withHost(t, engine);
    const { id } = await m.client.jobs.create({ id: 'web:1', ...busybox });
    await m.client.deployments.deploy('h1', id);
    const err = await expectError(t, m.client.deployments.deploy('h1', id), 'JOB_ALREADY_DEPLOYED');
    t.is(err.data.host, 'h1');
  });

  test(`${engine}: deploy of an unknown job is JOB_NOT_FOUND, to an unknown host HOST_NOT_FOUND`, async (t) => {
    const m = await withHost(t, engine);
    const { id } = await m.client.jobs.create({ id: 'web:1', ...busybox });
    await expectError(t, m.client.deployments.deploy('h1', `nope:1:${'a'.repeat(40)}`), 'JOB_NOT_FOUND');
    await expectError(t, m.client.deployments.deploy('ghost', id), 'HOST_NOT_FOUND');
  });

  test(`${engine}: undeploy or set goal of a job not deployed there is JOB_NOT_DEPLOYED`, async (t) => {
    const m = await withHost(t, engine);
    const { id } = await m.client.jobs.create({ id: 'web:1', ...busybox });
    await expectError(t, m.client.deployments.undeploy('h1', id), 'JOB_NOT_DEPLOYED');
    await expectError(t, m.client.deployments.setGoal('h1', id, 'STOP'), 'JOB_NOT_DEPLOYED');
  });

  test(`${engine}: a static external port taken on the host by another job is PORT_CONFLICT naming it`, async (t) => {
    const m = await withHost(t, engine);
    await m.client.hosts.register('h2', 'agent-2');
    const ports = { http: { internalPort: 80, externalPort: 18080 } };
    const a = await m.client.jobs.create({ id: 'a:1', ...busybox, ports });
    const b = await m.client.jobs.create({ id: 'b:1', ...busybox, ports });
    const udp = await m.client.jobs.create({ id: 'u:1', ...busybox, ports: { dns: { internalPort: 53, externalPort: 18080, protocol: 'udp' } } });
    await m.client.deployments.deploy('h1', a.id);
    const err = await expectError(t, m.client.deployments.deploy('h1', b.id), 'PORT_CONFLICT');
    t.is(err.data.conflictingJobId, a.id);
    t.is(err.data.port, 18080);
    t.regex(err.message, /18080\/tcp.*a:1:/);
    await m.client.deployments.deploy('h2', b.id); // another host is fine
    await m.client.deployments.deploy('h1', udp.id); // another protocol is fine
    await m.client.deployments.undeploy('h1', a.id);
    await m.client.deployments.deploy('h1', b.id); // the port is free again
    t.pass();
  });

  test(`${engine}: deploy, set goal and undeploy of a job with a token need the token (FORBIDDEN)`, async (t) => {
    const m = await withHost(t, engine);
    const { id } = await m.client.jobs.create({ id: 'tok:1', ...busybox, token: 'abc' });
    await expectError(t, m.client.deployments.deploy('h1', id), 'FORBIDDEN');
    await m.client.deployments.deploy('h1', id, { token: 'abc' });
    await expectError(t, m.client.deployments.setGoal('h1', id, 'STOP', { token: 'nope' }), 'FORBIDDEN');
    await m.client.deployments.setGoal('h1', id, 'STOP', { token: 'abc' });
    await expectError(t, m.client.deployments.undeploy('h1', id), 'FORBIDDEN');
    await m.client.deployments.undeploy('h1', id, { token: 'abc' });
    t.pass();
  });

  test(`${engine}: git-owned deployments and jobs need --force (GIT_OWNED says the next sync restores them)`, async (t) => {
    const m = await withHost(t, engine);
    const result = await m.client.sync.apply('infra', syncBody([
      { file: 'jobs/web.yaml', spec: { name: 'web', version: '1', ...busybox }, hosts: ['h1'], goal: 'START' },
    ]));
    t.is(result.state, 'APPLIED');
    const id = Object.keys(await m.client.jobs.list())[0];
    const err = await expectError(t, m.client.deployments.setGoal('h1', id, 'STOP'), 'GIT_OWNED');
    t.regex(err.message, /git source infra owns/);
    t.regex(err.message, /next sync restores it/);
    t.regex(err.message, /--force/);
    await expectError(t, m.client.deployments.undeploy('h1', id), 'GIT_OWNED');
    await expectError(t, m.client.deployments.deploy('h1', id, { goal: 'STOP' }), 'GIT_OWNED');
    await expectError(t, m.client.jobs.remove(id), 'GIT_OWNED');
    await m.client.deployments.setGoal('h1', id, 'STOP', { force: true });
    t.is((await m.client.deployments.get('h1', id)).goal, 'STOP');
    t.is((await m.client.deployments.get('h1', id)).owner, 'git:infra');
    await m.client.deployments.undeploy('h1', id, { force: true });
    await m.client.jobs.remove(id, { force: true });
    t.deepEqual(await m.client.jobs.list(), {});
  });

  test(`${engine}: 50 parallel deploys of the same job to the same host give exactly one success`, async (t) => {
    const m = await withHost(t, engine);
    const { id } = await m.client.jobs.create({ id: 'race:1', ...busybox });
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => m.client.deployments.deploy('h1', id)));
    const ok = results.filter((r) => r.status === 'fulfilled');
    const codes = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason.code);
    t.is(ok.length, 1);
    t.deepEqual([...new Set(codes)], ['JOB_ALREADY_DEPLOYED']);
    t.is(codes.length, 49);
    t.deepEqual(Object.keys((await m.client.jobs.status(id)).deployments), ['h1']);
  });

  test(`${engine}: deploy body must name the job of the path and use a known goal`, async (t) => {
    const m = await withHost(t, engine);
    const { id } = await m.client.jobs.create({ id: 'web:1', ...busybox });
    const put = (body: unknown) => fetch(`${m.url}/hosts/h1/jobs/${encodeURIComponent(id)}`,
      { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const wrongJob = await put({ job: `other:1:${'a'.repeat(40)}`, goal: 'START' });
    t.is(wrongJob.status, 400);
    t.regex(((await wrongJob.json()) as { message: string }).message, /body\.job/);
    const badGoal = await put({ job: id, goal: 'RUN' });
    t.is(badGoal.status, 400);
    t.regex(((await badGoal.json()) as { message: string }).message, /goal/);
    const undeployGoal = await put({ job: id, goal: 'UNDEPLOY' });
    t.is(undeployGoal.status, 400);
    t.regex(((await undeployGoal.json()) as { message: string }).message, /DELETE/);
  });

  test(`${engine}: set goal UNDEPLOY removes the deployment`, async (t) => {
    const m = await withHost(t, engine);
    const { id } = await m.client.jobs.create({ id: 'web:1', ...busybox });
    await m.client.deployments.deploy('h1', id);
    await m.client.deployments.setGoal('h1', id, 'UNDEPLOY');
    await expectError(t, m.client.deployments.get('h1', id), 'JOB_NOT_DEPLOYED');
  });
}
