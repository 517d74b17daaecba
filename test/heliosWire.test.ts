/**
 * Helios' wire format for requests carrying Helios-Version (master/heliosWire/): the version filter
 * (Helios' VersionResponseFilterTest replayed), /version/check, and each refusal as Helios answered
 * it, read by a client that parses as Helios' Java client does; the same requests without the header
 * keep the house style.
 */
import test from 'ava';
import { heartbeatBody, startTestMaster, type TestMaster } from './harness/master.js';
import { HeliosJavaClient, javaDeployment, javaJob } from './harness/heliosJavaClient.js';

const heliosHeaders = (version = '0.9.282') => ({ 'helios-version': version, 'content-type': 'application/json' });

async function call(m: TestMaster, method: string, path: string, o: { headers?: Record<string, string>; body?: unknown } = {}) {
  const res = await fetch(`${m.url}${path}`, { method, headers: o.headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

async function upHost(m: TestMaster, name: string): Promise<void> {
  await m.client.hosts.register(name, `agent-${name}`);
  await m.client.agents.heartbeat(name, heartbeatBody(`agent-${name}`));
}

// VersionResponseFilterTest: testEqual, testPatchVersion, testMinorVersion, testMajorVersion, testMalformed, testMissing.
test('the version filter answers Helios-Version-Status as a 0.9.282 master: 426 for another major, 400 for a bogus version', async (t) => {
  const m = await startTestMaster();
  t.teardown(m.close);
  const cases: Array<[string, number, string]> = [
    ['0.9.282', 200, 'EQUAL'], ['0.9.283', 200, 'COMPATIBLE'], ['0.9.0-SNAPSHOT', 200, 'COMPATIBLE'], ['0.8.1234', 200, 'COMPATIBLE'],
    ['0.10.0', 200, 'MAYBE'], ['1.0.0', 426, 'INCOMPATIBLE'], ['deadbeef', 400, 'INVALID'], ['0.9', 400, 'INVALID'], ['', 400, 'INVALID'],
  ];
  for (const [version, status, versionStatus] of cases) {
    const res = await call(m, 'GET', '/version', { headers: { 'helios-version': version } });
    t.is(res.status, status, version);
    t.is(res.headers.get('helios-version-status'), versionStatus, version);
    t.is(res.headers.get('helios-server-version'), '0.9.282', version);
  }
  const incompatible = await call(m, 'GET', '/jobs', { headers: { 'helios-version': '1.0.0' } });
  t.like(incompatible.json(), { status: 'INCOMPATIBLE_CLIENT', clientVersion: '1.0.0', serverVersion: '0.9.282' });
  const bogus = await call(m, 'POST', '/jobs', { headers: heliosHeaders('deadbeef'), body: { id: 'a:1', image: 'busybox' } });
  t.like(bogus.json(), { status: 'INVALID_REQUEST', field: 'Helios-Version' });
  t.deepEqual(await m.client.jobs.list(), {});
  // Without the header: no version status, the master's own version (the house style).
  const missing = await call(m, 'GET', '/version');
  t.is(missing.status, 200);
  t.is(missing.headers.get('helios-version-status'), null);
  t.is(missing.headers.get('helios-server-version'), '0.1.0');
});

test('/version/check?client= says how compatible a client is, in the shape of Helios\' VersionCheckResponse', async (t) => {
  const m = await startTestMaster();
  t.teardown(m.close);
  const serverVersion = { major: 0, minor: 9, patch: 282, snapshot: false };
  for (const [client, status] of [['0.9.282', 'EQUAL'], ['0.8.0', 'COMPATIBLE'], ['0.11.2', 'MAYBE'], ['2.0.0', 'INCOMPATIBLE'], ['x.y', 'INVALID'], ['', 'MISSING']]) {
    const res = await call(m, 'GET', `/version/check?client=${client}`);
    t.is(res.status, 200);
    t.deepEqual(res.json(), { status, serverVersion, recommendedVersion: '0.9.282' }, client);
  }
  t.is((await call(m, 'GET', '/version/check')).json().status, 'MISSING');
  t.is((await call(m, 'GET', '/version/check/')).json().status, 'MISSING');
});

test('conflicts are 400 with Helios\' status enums for a Helios client, and stay 409 in the house style', async (t) => {
  const m = await startTestMaster();
  t.teardown(m.close);
  await upHost(m, 'h1');
  const helios = new HeliosJavaClient({ endpoint: m.url, user: 'u' });
  const portJob = (name: string) => javaJob({ name, version: '1', image: 'busybox:latest', ports: { http: { internalPort: 80, externalPort: 18080 } } });
  const a = portJob('a');
  const b = portJob('b');
  t.is((await helios.createJob(a))?.status, 'OK');
  t.is((await helios.createJob(b))?.status, 'OK');

  // JOB_ALREADY_EXISTS: 400 {status, errors: [], id} for Helios; 409 {status, message, id} otherwise.
  const duplicate = await call(m, 'POST', '/jobs', { headers: heliosHeaders(), body: a });
  t.is(duplicate.status, 400);
  t.like(duplicate.json(), { status: 'JOB_ALREADY_EXISTS', errors: [], id: a.id });
  const house = await call(m, 'POST', '/jobs', { headers: { 'content-type': 'application/json' }, body: a });
  t.is(house.status, 409);
  t.like(house.json(), { status: 'JOB_ALREADY_EXISTS', id: a.id });
  t.false('errors' in house.json());

  t.like(await helios.deploy(javaDeployment(a.id as string, 'START'), 'h1'), { status: 'OK' });
  t.deepEqual(await helios.deploy(javaDeployment(b.id as string, 'START'), 'h1'), { status: 'PORT_CONFLICT', host: 'h1', job: b.id });
  t.is((await call(m, 'PUT', `/hosts/h1/jobs/${b.id}`, { headers: { 'content-type': 'application/json' }, body: { goal: 'START' } })).status, 409);
  t.deepEqual(await helios.deploy(javaDeployment(`ghost:1:${'0'.repeat(40)}`, 'START'), 'h1'), { status: 'JOB_NOT_FOUND', host: 'h1', job: `ghost:1:${'0'.repeat(40)}` });
  const mismatch = await call(m, 'PUT', `/hosts/h1/jobs/${b.id}`, { headers: heliosHeaders(), body: { job: a.id, goal: 'START' } });
  t.is(mismatch.status, 400);
  t.like(mismatch.json(), { status: 'ID_MISMATCH', host: 'h1', job: b.id });
  t.like(await helios.setGoal(javaDeployment(b.id as string, 'STOP'), 'h1'), { status: 'JOB_NOT_DEPLOYED' });

  // HostDeregisterResponse: JOBS_STILL_DEPLOYED is 400 (ours 409), an unknown host NOT_FOUND.
  const stillUsed = await call(m, 'DELETE', '/hosts/h1', { headers: heliosHeaders() });
  t.is(stillUsed.status, 400);
  t.like(stillUsed.json(), { status: 'JOBS_STILL_DEPLOYED', host: 'h1' });
  t.deepEqual(await helios.deregisterHost('ghost'), { status: 'NOT_FOUND', host: 'ghost' });
  t.is((await call(m, 'DELETE', '/hosts/h1')).status, 409);
  t.is((await call(m, 'DELETE', `/jobs/${a.id}`)).status, 409);
  t.deepEqual(await helios.deleteJob(a.id as string), { status: 'STILL_IN_USE' });
});

test('refusals of the job and of its token are what a Helios master answered', async (t) => {
  const m = await startTestMaster();
  t.teardown(m.close);
  await upHost(m, 'h1');
  const helios = new HeliosJavaClient({ endpoint: m.url, user: 'u' });
  // Admission: a host path, refused the way Helios refused a capability off its whitelist.
  const privileged = { ...javaJob({ name: 'p', version: '1', image: 'busybox:latest' }), id: 'p:1', volumes: { '/data': '/etc' } };
  const refused = (await helios.createJob(privileged))!;
  t.is(refused.status, 'INVALID_JOB_DEFINITION');
  t.true(refused.errors!.some((e) => e.startsWith('volumes./data: ')), JSON.stringify(refused));
  const notJson = await call(m, 'POST', '/jobs', { headers: heliosHeaders(), body: undefined });
  t.like(notJson.json(), { status: 'INVALID_JOB_DEFINITION', id: null });

  const guarded = javaJob({ name: 'guarded', version: '1', image: 'busybox:latest', token: 'secret' });
  const id = guarded.id as string;
  t.is((await helios.createJob(guarded))?.status, 'OK');
  t.deepEqual(await helios.deploy(javaDeployment(id, 'START'), 'h1'), { status: 'FORBIDDEN', host: 'h1', job: id });
  t.deepEqual(await helios.deploy(javaDeployment(id, 'START'), 'h1', 'secret'), { status: 'OK', host: 'h1', job: id });
  t.deepEqual(await helios.undeploy(id, 'h1'), { status: 'FORBIDDEN', host: 'h1', job: id });
  t.deepEqual(await helios.undeploy(id, 'h1', 'secret'), { status: 'OK', host: 'h1', job: id });
  t.deepEqual(await helios.deleteJob(id), { status: 'FORBIDDEN' });
  t.deepEqual(await helios.deleteJob(id, 'secret'), { status: 'OK' });
});

test('what git owns is FORBIDDEN to a Helios client (it cannot send --force), with our message beside it', async (t) => {
  const m = await startTestMaster();
  t.teardown(m.close);
  await upHost(m, 'h1');
  await m.client.sync.apply('infra', {
    repo: 'http://127.0.0.1/repo.git', branch: 'main', path: 'jobs', commit: 'c1', errors: [],
    jobs: [{ file: 'jobs/web.yaml', lines: {}, spec: { name: 'web', version: '1', image: 'busybox:latest' }, hosts: ['h1'], goal: 'START' }],
  });
  const [id] = Object.keys(await m.client.jobs.list());
  const helios = new HeliosJavaClient({ endpoint: m.url, user: 'u' });
  t.deepEqual(await helios.undeploy(id, 'h1'), { status: 'FORBIDDEN', host: 'h1', job: id });
  const raw = await call(m, 'DELETE', `/hosts/h1/jobs/${id}`, { headers: heliosHeaders() });
  t.regex(raw.json().message as string, /git source infra owns/);
  t.is((await call(m, 'DELETE', `/hosts/h1/jobs/${id}`)).status, 409);
});

test('history of an unknown or removed job is 200 JOB_ID_NOT_FOUND for Helios, 404 in the house style', async (t) => {
  const m = await startTestMaster();
  t.teardown(m.close);
  await upHost(m, 'h1');
  const helios = new HeliosJavaClient({ endpoint: m.url, user: 'u' });
  const { id } = await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest' });
  await m.client.deployments.deploy('h1', id);
  const running = { jobId: id, goal: 'START' as const, state: 'RUNNING' as const, containerId: 'c1', throttled: 'NO' as const, ports: {}, env: {}, containerError: null };
  await m.client.agents.reportStatuses('h1', { id: 'agent-h1', updates: [{ status: running, timestamp: Date.now() }], removed: [] });
  const history = (await helios.jobHistory(id))!;
  t.is(history.status, 'OK');
  t.is(history.events[0].status.job.id, id);
  t.is((await helios.hostStatus('h1'))!.statuses[id].job.id, id);

  await m.client.deployments.undeploy('h1', id);
  await m.client.jobs.remove(id);
  // Ours keeps a removed job's history and the last status until the agent reports the container gone.
  t.is((await m.client.jobs.history(id)).events.length, 1);
  t.deepEqual(Object.keys((await m.client.hosts.status('h1')).statuses), [id]);
  // Helios had neither: its TaskStatus needs the job, which is gone.
  t.deepEqual(await helios.jobHistory(id), { events: [], status: 'JOB_ID_NOT_FOUND' });
  t.deepEqual((await helios.hostStatus('h1'))!.statuses, {});
  t.deepEqual(await helios.jobHistory(`ghost:1:${'0'.repeat(40)}`), { events: [], status: 'JOB_ID_NOT_FOUND' });
  t.is((await call(m, 'GET', `/history/jobs/ghost:1:${'0'.repeat(40)}`)).status, 404);
});

test('without Helios-Version the answers keep the house style (jobId in task statuses, errors as objects)', async (t) => {
  const m = await startTestMaster();
  t.teardown(m.close);
  const invalid = await call(m, 'POST', '/jobs', { headers: { 'content-type': 'application/json' }, body: { id: 'x:1', image: 'Bad' } });
  t.is(invalid.status, 400);
  t.like(invalid.json(), { status: 'INVALID_JOB_DEFINITION', errors: [{ path: 'image' }] });
  const viaHelios = await call(m, 'POST', '/jobs', { headers: heliosHeaders(), body: { id: 'x:1', image: 'Bad' } });
  t.like(viaHelios.json(), { status: 'INVALID_JOB_DEFINITION', id: 'x:1' });
  t.true(((viaHelios.json().errors as unknown[])[0] as string).startsWith('image: '));
  const ok = await call(m, 'POST', '/jobs', { headers: { 'content-type': 'application/json' }, body: { id: 'y:1', image: 'busybox' } });
  t.like(ok.json(), { status: 'OK', job: { image: 'busybox' }, warnings: [] });
  t.false('errors' in ok.json());
  // Our own clients send Helios-Owner, and Helios-Version with our release: the house style, never 426.
  for (const version of ['0.1.0', '1.0.0']) {
    const ours = { 'content-type': 'application/json', 'helios-version': version, 'helios-owner': 'cli' };
    const again = await call(m, 'POST', '/jobs', { headers: ours, body: { id: 'y:1', image: 'busybox' } });
    t.is(again.status, 409, version);
    t.is(again.headers.get('helios-version-status'), null);
    t.is(again.headers.get('helios-server-version'), '0.1.0');
  }
});
