/**
 * Helios' own resource tests (helios-services/src/test/.../master/resources/JobsResourceTest.java and
 * HostsResourceTest.java) replayed against a real master through a client that speaks as Helios'
 * Java client does: the same outcomes and shapes (not wording). Helios' tests mock the model; here
 * the same hosts, labels, jobs and deployments are made for real.
 */
import test from 'ava';
import { heartbeatBody, startTestMaster, type TestMaster } from './harness/master.js';
import { HeliosJavaClient, javaDeployment, javaJob } from './harness/heliosJavaClient.js';

async function upHost(m: TestMaster, name: string, labels: Record<string, string> = {}): Promise<void> {
  await m.client.hosts.register(name, `agent-${name}`);
  await m.client.agents.heartbeat(name, heartbeatBody(`agent-${name}`, { labels }));
}

async function setUp(): Promise<{ m: TestMaster; helios: HeliosJavaClient }> {
  const m = await startTestMaster();
  return { m, helios: new HeliosJavaClient({ endpoint: m.url, user: 'user1' }) };
}

async function create(helios: HeliosJavaClient, name: string, version: string): Promise<string> {
  const created = await helios.createJob(javaJob({ name, version, image: 'busybox:latest' }));
  if (created?.status !== 'OK') throw new Error(`create ${name}:${version}: ${JSON.stringify(created)}`);
  return created.id!;
}

// ---- JobsResourceTest ---------------------------------------------------------------------------

test('JobsResourceTest.testListJobs: every job', async (t) => {
  const { m, helios } = await setUp();
  t.teardown(m.close);
  const ids = [await create(helios, 'foobar', '1'), await create(helios, 'foobar', '2'), await create(helios, 'foobar', '3')];
  t.deepEqual(Object.keys((await helios.jobs())!).sort(), ids.sort());
});

test('JobsResourceTest.testListJobsWithJobNameFilter: q keeps the ids containing it', async (t) => {
  const { m, helios } = await setUp();
  t.teardown(m.close);
  const foobar1 = await create(helios, 'foobar', '1');
  const foobar2 = await create(helios, 'foobar', '2');
  await create(helios, 'blah', '3');
  await create(helios, 'buzz', '3');
  t.deepEqual(Object.keys((await helios.jobs('foobar'))!).sort(), [foobar1, foobar2].sort());
});

test('JobsResourceTest.testListJobsWithHostNameFilter: hostPattern lists the jobs on the hosts it matches', async (t) => {
  const { m, helios } = await setUp();
  t.teardown(m.close);
  await upHost(m, 'foobar.example.net');
  await upHost(m, 'other.example.net');
  const job1 = await create(helios, 'foobar', '1');
  const job2 = await create(helios, 'foobat', '2');
  const elsewhere = await create(helios, 'elsewhere', '1');
  for (const id of [job1, job2]) t.is((await helios.deploy(javaDeployment(id, 'START'), 'foobar.example.net'))?.status, 'OK');
  t.is((await helios.deploy(javaDeployment(elsewhere, 'START'), 'other.example.net'))?.status, 'OK');
  t.deepEqual(Object.keys((await helios.jobs(undefined, 'foo'))!).sort(), [job1, job2].sort());
});

test('JobsResourceTest.testListJobsWithMultipleDeployments: a job on two matching hosts is listed once', async (t) => {
  const { m, helios } = await setUp();
  t.teardown(m.close);
  await upHost(m, 'foobar.example.net');
  await upHost(m, 'barfoo.example.net');
  const job1 = await create(helios, 'foobar', '1');
  const job2 = await create(helios, 'foobat', '2');
  for (const host of ['foobar.example.net', 'barfoo.example.net']) {
    for (const id of [job1, job2]) t.is((await helios.deploy(javaDeployment(id, 'START'), host))?.status, 'OK');
  }
  t.deepEqual(Object.keys((await helios.jobs(undefined, 'foo'))!).sort(), [job1, job2].sort());
});

test('JobsResourceTest.testCreateJobWithNoRolloutOptions: OK, no errors, the id is foobar:1:<hash>', async (t) => {
  const { m, helios } = await setUp();
  t.teardown(m.close);
  const descriptor = javaJob({ name: 'foobar', version: '1', image: 'busybox:latest' });
  const response = (await helios.createJob(descriptor))!;
  t.is(response.status, 'OK');
  t.deepEqual(response.errors, []);
  t.true(response.id!.includes('foobar:1'));
  t.is(response.id, descriptor.id as string);
  const stored = (await helios.jobs())![response.id!];
  t.is(stored.creatingUser, 'user1');
  t.is(stored.rolloutOptions, undefined);
});

test('JobsResourceTest.testCreateJobWithPartialRolloutOptions: null members are accepted and the id keeps its hash', async (t) => {
  const { m, helios } = await setUp();
  t.teardown(m.close);
  const descriptor = javaJob({ name: 'foobar', version: '1', image: 'busybox:latest',
    rolloutOptions: { timeout: null, parallelism: 2, migrate: null, overlap: true, token: null, ignoreFailures: null } });
  const response = (await helios.createJob(descriptor))!;
  t.is(response.status, 'OK');
  t.deepEqual(response.errors, []);
  t.is(response.id, descriptor.id as string);
  t.deepEqual((await helios.jobs())![response.id!].rolloutOptions, { parallelism: 2, overlap: true });
});

// ---- HostsResourceTest --------------------------------------------------------------------------

const hosts = ['host1.foo.example.com', 'host2.foo.example.com', 'host3.foo.example.com', 'host4.foo.example.com'];

/** HostsResourceTest.setUp: four hosts labelled site=foo and index=1..4 (host1 unlabelled where a test says so). */
async function hostsSetUp(firstUnlabelled = false) {
  const { m, helios } = await setUp();
  for (const [i, host] of hosts.entries()) await upHost(m, host, firstUnlabelled && i === 0 ? {} : { site: 'foo', index: String(i + 1) });
  return { m, helios };
}

test('HostsResourceTest.listHosts: every host', async (t) => {
  const { m, helios } = await hostsSetUp();
  t.teardown(m.close);
  t.deepEqual(await helios.listHosts(), hosts);
});

test('HostsResourceTest.listHostsNameFilter: namePattern is found in the name', async (t) => {
  const { m, helios } = await hostsSetUp();
  t.teardown(m.close);
  t.deepEqual(await helios.listHosts('foo.example'), hosts);
  t.deepEqual(await helios.listHosts('host1'), ['host1.foo.example.com']);
  t.deepEqual(await helios.listHosts('host5'), []);
});

test('HostsResourceTest.listHostsSelectorFilter: label selectors', async (t) => {
  const { m, helios } = await hostsSetUp();
  t.teardown(m.close);
  t.deepEqual(await helios.listHosts(undefined, ['site=foo']), hosts);
  t.deepEqual(await helios.listHosts(undefined, ['site=bar']), []);
  t.deepEqual(await helios.listHosts(undefined, ['site!=foo']), []);
  t.deepEqual(await helios.listHosts(undefined, ['index in (1,2)']), hosts.slice(0, 2));
  t.deepEqual(await helios.listHosts(undefined, ['site=foo', 'index in (1,2)']), hosts.slice(0, 2));
});

test('HostsResourceTest.listHostsSelectorFilterMissingStatus: a host without the label never matches', async (t) => {
  const { m, helios } = await hostsSetUp(true);
  t.teardown(m.close);
  t.deepEqual(await helios.listHosts(undefined, ['site=foo']), hosts.slice(1));
  t.deepEqual(await helios.listHosts(undefined, ['site=bar']), []);
  t.deepEqual(await helios.listHosts(undefined, ['site!=foo']), []);
  t.deepEqual(await helios.listHosts(undefined, ['index in (1,2)']), ['host2.foo.example.com']);
  t.deepEqual(await helios.listHosts(undefined, ['site=foo', 'index in (1,2)']), ['host2.foo.example.com']);
});

test('HostsResourceTest.listHostsNameAndSelectorFilter: both at once', async (t) => {
  const { m, helios } = await hostsSetUp();
  t.teardown(m.close);
  t.deepEqual(await helios.listHosts('foo.example.com', ['site=foo']), hosts);
  t.deepEqual(await helios.listHosts('host3', ['index =2']), []);
  t.deepEqual(await helios.listHosts('host3', ['index!=2']), ['host3.foo.example.com']);
});

test('HostsResourceTest.listHostsInvalidHostSelectorSyntax: 400 (the Java client throws)', async (t) => {
  const { m, helios } = await hostsSetUp();
  t.teardown(m.close);
  const err = await t.throwsAsync(helios.listHosts(undefined, ['foo <@> bar']), { message: /^request failed/ });
  t.is((err as unknown as { response: { status: number } }).response.status, 400);
});

test('HostSelectorTest on a real master: in () selects no host, notin () every host with the label', async (t) => {
  const { m, helios } = await hostsSetUp(true);
  t.teardown(m.close);
  t.deepEqual(await helios.listHosts(undefined, ['index in ()']), []);
  t.deepEqual(await helios.listHosts(undefined, ['index notin()']), hosts.slice(1));
});
