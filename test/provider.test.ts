// The Pulumi provider's methods called directly (from the TypeScript source) against a real master.
import test, { type ExecutionContext } from 'ava';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestAgent, waitForState } from './harness/agent.js';
import { freePort, waitFor } from './harness/processes.js';
import { startTestMaster, type TestMaster } from './harness/master.js';
import { createJobProvider } from '../provider/jobProvider.js';
import { createDeploymentProvider } from '../provider/deploymentProvider.js';
import { UNKNOWN } from '../provider/unknowns.js';
import { buildJob } from '../core/index.js';
import type { JobInputs, JobOutputs, DeploymentOutputs } from '../provider/types.js';

type Config = Record<string, string>;
const configOf = (values: Config) => ({ config: { get: (key: string) => values[key], require: (key: string) => values[key] } });

async function providers(master: TestMaster) {
  const jobs = createJobProvider();
  const deployments = createDeploymentProvider();
  await jobs.configure!(configOf({ 'helios:master': master.url }));
  await deployments.configure!(configOf({ 'helios:master': master.url }));
  return { jobs, deployments };
}

async function withMaster(t: { teardown(fn: () => Promise<void>): void }) {
  const master = await startTestMaster();
  t.teardown(master.close);
  return { master, ...(await providers(master)) };
}

/** The stack these resources belong to (the resource classes set it from the running program). */
const STACK = 'pulumi:helios-test/a';

const web = (extra: Partial<JobInputs> = {}): JobInputs => ({
  name: 'web', version: '1', image: 'busybox:latest', command: ['sleep', '300'], secondsToWaitBeforeKill: 1, owner: STACK, ...extra,
});

test('check reports each failure on its own property, with the field path in the reason', async (t) => {
  const { jobs } = await withMaster(t);
  const { failures } = await jobs.check!({} as JobInputs, {
    name: 'we b', version: '1', ports: { http: { internalPort: 70000 } }, owner: STACK,
  } as unknown as JobInputs);
  t.deepEqual(failures!.find((f) => f.property === 'ports'), { property: 'ports', reason: 'ports.http.internalPort: must be between 0 and 65535' });
  t.truthy(failures!.find((f) => f.property === 'image' && f.reason === 'image: is required'));
  t.truthy(failures!.find((f) => f.property === 'name' && f.reason.startsWith('name: may only contain')));
  t.is(failures!.length, 3, JSON.stringify(failures));
});

test('check of a valid job passes its inputs through unchanged, with no failures', async (t) => {
  const { jobs } = await withMaster(t);
  const news = web({ ports: { http: { internalPort: 8080 } }, healthCheck: { type: 'http', port: 'http', path: '/' } });
  const result = await jobs.check!({} as JobInputs, news);
  t.deepEqual(result, { inputs: news, failures: [] });
});

test('check tolerates the preview unknown sentinel in any value, and still reports known failures', async (t) => {
  const { jobs } = await withMaster(t);
  const withUnknowns = {
    name: 'web', version: UNKNOWN, image: UNKNOWN, command: ['sh', UNKNOWN], env: { DB: UNKNOWN },
    ports: { http: { internalPort: 8080, externalPort: UNKNOWN } }, healthCheck: UNKNOWN, owner: STACK,
  } as unknown as JobInputs;
  t.deepEqual((await jobs.check!({} as JobInputs, withUnknowns)).failures, []);
  const stillWrong = { ...withUnknowns, ports: { http: { internalPort: -1, externalPort: UNKNOWN } } } as unknown as JobInputs;
  t.deepEqual((await jobs.check!({} as JobInputs, stillWrong)).failures, [
    { property: 'ports', reason: 'ports.http.internalPort: must be between 0 and 65535' },
  ]);
});

test('check at preview skips a rule comparing two fields while one of them is unknown', async (t) => {
  const { jobs } = await withMaster(t);
  const unknownPorts = { ...web(), ports: UNKNOWN, healthCheck: { type: 'tcp', port: 'http' }, gracePeriod: 5 } as unknown as JobInputs;
  t.deepEqual((await jobs.check!({} as JobInputs, unknownPorts)).failures, []);
  const unknownVolumes = { ...web(), volumes: UNKNOWN, ramdisks: { '/data': 'rw,size=1m' } } as unknown as JobInputs;
  t.deepEqual((await jobs.check!({} as JobInputs, unknownVolumes)).failures, []);
  const known = { ...web(), ports: {}, healthCheck: { type: 'tcp', port: 'http' } } as unknown as JobInputs;
  t.deepEqual((await jobs.check!({} as JobInputs, known)).failures, [{ property: 'healthCheck', reason: 'healthCheck.port: must name a port in ports (known: none)' }]);
});

test('diff: an image spelled differently but normalising equal is no change, though its hash differs', async (t) => {
  const { jobs } = await withMaster(t);
  const olds: JobOutputs = { ...web({ image: 'busybox' }), jobId: 'web:1:0000000000000000000000000000000000000000' };
  const news = web({ image: 'docker.io/library/busybox:latest' });
  t.deepEqual(await jobs.diff!(olds.jobId, olds, news), { changes: false });
  // Why the old id and outputs must stay: the id hashes the image as written.
  t.not(buildJob(web({ image: 'busybox' })).job.id, buildJob(news).job.id);
  t.deepEqual(await jobs.diff!(olds.jobId, { ...olds, image: 'busybox:latest' }, web({ image: 'index.docker.io/library/busybox' })), { changes: false });
});

test('diff: spellings the hash ignores (empty maps, protocol tcp, registration protocol http) are no change', async (t) => {
  const { jobs } = await withMaster(t);
  const olds = { ...web({ ports: { http: { internalPort: 80 } }, registration: { svc: { ports: { http: {} } } } }), jobId: 'x' };
  const news = web({ ports: { http: { internalPort: 80, protocol: 'tcp' } }, env: {}, volumes: {}, registration: { 'svc/http': { ports: { http: {} } } } });
  t.deepEqual(await jobs.diff!('x', olds, news), { changes: false });
  t.is(buildJob(olds).job.id, buildJob(news).job.id, 'the master gives both the same id');
});

test('diff: any job field change replaces the job; delete-before-create when name and version stay', async (t) => {
  const { jobs } = await withMaster(t);
  const olds = { ...web(), jobId: 'x' };
  t.deepEqual(await jobs.diff!('x', olds, web({ env: { A: '1' } })), { changes: true, replaces: ['env'], deleteBeforeReplace: true });
  t.deepEqual(await jobs.diff!('x', olds, web({ version: '2', image: 'busybox:1.36' })),
    { changes: true, replaces: ['version', 'image'], deleteBeforeReplace: false });
  t.deepEqual(await jobs.diff!('x', olds, { ...web(), command: UNKNOWN } as unknown as JobInputs),
    { changes: true, replaces: ['command'], deleteBeforeReplace: true });
});

test('create stores a job owned by its stack and returns its full id; read finds it; delete removes it (with its token)', async (t) => {
  const { master, jobs } = await withMaster(t);
  const inputs = web({ token: 'guard' });
  const { id, outs } = await jobs.create(inputs);
  t.regex(id, /^web:1:[0-9a-f]{40}$/);
  t.deepEqual(outs, { ...inputs, jobId: id });
  t.is(id, buildJob(inputs).job.id);
  const stored = await master.client.jobs.get(id);
  t.is(stored.owner, STACK);
  t.deepEqual(await jobs.read!(id, outs), { id, props: outs });
  await jobs.delete!(id, outs!);
  await t.throwsAsync(master.client.jobs.get(id), { message: /not found/ });
  t.deepEqual(await jobs.read!(id, outs), {});
});

test('read of a job removed from the master reads as gone (refresh drops it)', async (t) => {
  const { master, jobs } = await withMaster(t);
  const { id, outs } = await jobs.create(web());
  await master.clientWith({ owner: 'cli' }).jobs.remove(id);
  t.deepEqual(await jobs.read!(id, outs), {});
  await t.notThrowsAsync(jobs.delete!(id, outs!));
});

test('read without props (pulumi import) rebuilds the inputs from the master, but not its token', async (t) => {
  const { master, jobs } = await withMaster(t);
  const { id } = await master.client.jobs.create({ name: 'imported', version: '3', image: 'busybox:latest', env: { A: 'b' }, token: 's3cret' });
  const { id: readId, props } = await jobs.read!(id);
  t.is(readId, id);
  t.like(props, { name: 'imported', version: '3', image: 'busybox:latest', env: { A: 'b' }, jobId: id });
  t.false('token' in props!, 'the state would hold it in plain text');
});

test('create of a job the master refuses fails with the master\'s reason', async (t) => {
  const { jobs } = await withMaster(t);
  await jobs.create(web());
  await t.throwsAsync(jobs.create(web({ env: { CHANGED: '1' } })), { message: /already exists with another configuration/ });
});

test('deployment check fills goal START and timeout 120, reports bad fields, tolerates unknowns', async (t) => {
  const { deployments } = await withMaster(t);
  const ok = await deployments.check!({} as never, { job: 'web:1:' + 'a'.repeat(40), host: 'h1', owner: STACK });
  t.deepEqual(ok, { inputs: { job: 'web:1:' + 'a'.repeat(40), host: 'h1', owner: STACK, goal: 'START', timeoutSeconds: 120 }, failures: [] });
  const bad = await deployments.check!({} as never, { job: 'nope', host: '', goal: 'UNDEPLOY', timeoutSeconds: -1 } as never);
  t.deepEqual(bad.failures!.map((f) => f.property), ['job', 'host', 'goal', 'timeoutSeconds', 'owner']);
  t.deepEqual((await deployments.check!({} as never, { job: UNKNOWN, host: UNKNOWN, owner: STACK })).failures, []);
});

test('deployment diff: goal changes in place; job or host replaces; static external ports delete first', async (t) => {
  const { deployments } = await withMaster(t);
  const olds = { job: 'web:1:x', host: 'h1', goal: 'START', timeoutSeconds: 120, jobId: 'web:1:x', staticExternalPorts: [] } as unknown as DeploymentOutputs;
  t.deepEqual(await deployments.diff!('h1/web:1:x', olds, { job: 'web:1:x', host: 'h1', goal: 'START', timeoutSeconds: 120 }), { changes: false });
  t.deepEqual(await deployments.diff!('h1/web:1:x', olds, { job: 'web:1:x', host: 'h1', goal: 'STOP' }),
    { changes: true, replaces: [], deleteBeforeReplace: false });
  t.deepEqual(await deployments.diff!('h1/web:1:x', olds, { job: 'web:2:y', host: 'h1' }),
    { changes: true, replaces: ['job'], deleteBeforeReplace: false });
  t.deepEqual(await deployments.diff!('h1/web:1:x', olds, { job: UNKNOWN, host: 'h2' }),
    { changes: true, replaces: ['job', 'host'], deleteBeforeReplace: false });
  const staticOlds = { ...olds, staticExternalPorts: [18080] };
  t.deepEqual(await deployments.diff!('h1/web:1:x', staticOlds, { job: 'web:2:y', host: 'h1' }),
    { changes: true, replaces: ['job'], deleteBeforeReplace: true });
});

test('deployment create (goal STOP), update to START without an agent fails as "failed to initialise", read, delete', async (t) => {
  const { master, jobs, deployments } = await withMaster(t);
  await master.client.hosts.register('h1', 'h1-id');
  const { id: jobId } = await jobs.create(web({ ports: { http: { internalPort: 8080, externalPort: 18080 } } }));
  const { id, outs } = await deployments.create({ owner: STACK, job: jobId, host: 'h1', goal: 'STOP', timeoutSeconds: 1 });
  t.is(id, `h1/${jobId}`);
  t.like(outs, { job: jobId, host: 'h1', goal: 'STOP', jobId, staticExternalPorts: [18080], state: 'NONE' });
  const stored = await master.client.deployments.get('h1', jobId);
  t.like(stored, { goal: 'STOP', owner: STACK });

  const started = Date.now();
  const err = await t.throwsAsync(deployments.update!(id, outs!, { owner: STACK, job: jobId, host: 'h1', goal: 'START', timeoutSeconds: 1 }));
  t.true(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
  t.regex(err!.message, /did not reach RUNNING within 1 s: the agent never reported the task/);
  const failure = err as unknown as { id: string; properties: Record<string, unknown>; reasons: string[] };
  t.is(failure.id, id);
  t.like(failure.properties, { goal: 'START', state: 'NONE', jobId });
  t.deepEqual(failure.reasons, [err!.message]);
  t.is((await master.client.deployments.get('h1', jobId)).goal, 'START');

  const read = await deployments.read!(id, outs);
  t.is(read.id, id);
  t.like(read.props, { goal: 'START', host: 'h1', jobId });
  await deployments.delete!(id, outs!);
  t.deepEqual(await deployments.read!(id, outs), {});
  await jobs.delete!(jobId, { ...web(), jobId });
  t.deepEqual(await jobs.read!(jobId, { ...web(), jobId }), {});
});

test('read of a deployment undeployed elsewhere reads as gone', async (t) => {
  const { master, jobs, deployments } = await withMaster(t);
  await master.client.hosts.register('h1', 'h1-id');
  const { id: jobId } = await jobs.create(web());
  const { id, outs } = await deployments.create({ owner: STACK, job: jobId, host: 'h1', goal: 'STOP' });
  await master.clientWith({ owner: 'cli' }).deployments.undeploy('h1', jobId);
  t.deepEqual(await deployments.read!(id, outs), {});
  t.deepEqual(await deployments.read!(id), {});
});

test('without stack config the master comes from HELIOS_MASTER; stack config helios:master wins over it', async (t) => {
  const master = await startTestMaster();
  t.teardown(master.close);
  const jobs = createJobProvider();
  const saved = process.env.HELIOS_MASTER;
  t.teardown(() => { process.env.HELIOS_MASTER = saved; if (saved === undefined) delete process.env.HELIOS_MASTER; });
  process.env.HELIOS_MASTER = master.url;
  const { id } = await jobs.create(web({ name: 'from-env' }));
  t.is((await master.client.jobs.get(id)).owner, STACK);
  await jobs.configure!(configOf({ 'helios:master': 'http://127.0.0.1:1' }));
  await t.throwsAsync(jobs.read!(id, { ...web(), jobId: id }), { message: /cannot reach the master at http:\/\/127\.0\.0\.1:1/ });
});

test('helios:master may name several masters of one cluster (comma-separated): a call moves on from one that cannot be reached', async (t) => {
  const master = await startTestMaster();
  t.teardown(master.close);
  const jobs = createJobProvider();
  // A port nothing listens on (fetch refuses to dial port 1 at all).
  const down = `http://127.0.0.1:${await freePort()}`;
  await jobs.configure!(configOf({ 'helios:master': `${down},${master.url}` }));
  const { id } = await jobs.create(web({ name: 'several' }));
  t.is((await master.client.jobs.get(id)).owner, STACK);
  t.like(await jobs.read!(id, { ...web({ name: 'several' }), jobId: id }), { id });
  await jobs.configure!(configOf({ 'helios:master': 'http://127.0.0.1:1,ftp://m' }));
  await t.throwsAsync(jobs.read!(id, { ...web(), jobId: id }), { message: /helios:master \(or HELIOS_MASTER\): 'ftp:\/\/m' is not a master URL/ });
});

// With a real agent and the real Docker engine: the RUNNING wait and its failure.

/** A registry that knows no image: Docker's pull gets "manifest unknown", so the agent throttles IMAGE_MISSING. */
async function emptyRegistry(t: { teardown(fn: () => void): void }): Promise<string> {
  const server = createServer((req, res) => {
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    res.setHeader('Content-Type', 'application/json');
    if (req.url === '/v2/') return res.end('{}');
    res.statusCode = 404;
    res.end(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: {} }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => { server.closeAllConnections(); server.close(); });
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function withAgent(t: ExecutionContext) {
  const setup = await withMaster(t);
  const agent = await startTestAgent(t, setup.master);
  await waitFor(async () => (await setup.master.client.hosts.list()).includes(agent.name), { timeoutMs: 20_000, message: 'agent registered' });
  return { ...setup, host: agent.name };
}

test('a deployment with goal START waits until the task is RUNNING on a real agent; goal STOP updates in place', async (t) => {
  const { master, jobs, deployments, host } = await withAgent(t);
  const { id: jobId } = await jobs.create(web());
  const { id, outs } = await deployments.create({ owner: STACK, job: jobId, host, timeoutSeconds: 60 });
  t.like(outs, { goal: 'START', state: 'RUNNING', jobId });
  t.regex(outs!.containerId!, /^[0-9a-f]{12,64}$/);
  t.is((await master.client.jobs.status(jobId)).taskStatuses[host].state, 'RUNNING');

  const { outs: stopped } = await deployments.update!(id, outs!, { owner: STACK, job: jobId, host, goal: 'STOP', timeoutSeconds: 60 });
  t.like(stopped, { goal: 'STOP' });
  await waitForState(master, jobId, host, 'STOPPED', 30_000);
  const { outs: restarted } = await deployments.update!(id, stopped!, { owner: STACK, job: jobId, host, goal: 'START', timeoutSeconds: 60 });
  t.like(restarted, { goal: 'START', state: 'RUNNING' });

  await deployments.delete!(id, restarted!);
  t.deepEqual(await deployments.read!(id, restarted), {});
  await jobs.delete!(jobId, { ...web(), jobId });
});

test('a deployment whose image is missing fails as "failed to initialise" naming IMAGE_MISSING within its timeout', async (t) => {
  const { jobs, deployments, host } = await withAgent(t);
  const registry = await emptyRegistry(t);
  const { id: jobId } = await jobs.create(web({ image: `${registry}/helios/missing:1` }));
  const started = Date.now();
  const err = await t.throwsAsync(deployments.create({ owner: STACK, job: jobId, host, timeoutSeconds: 8 }));
  t.true(Date.now() - started < 30_000, `took ${Date.now() - started} ms (the default timeout would be 120 s)`);
  t.regex(err!.message, /did not reach RUNNING within 8 s: last state \w+, throttled IMAGE_MISSING, container error: .*not found/);
  const failure = err as unknown as { id: string; properties: DeploymentOutputs; reasons: string[] };
  t.is(failure.id, `${host}/${jobId}`);
  t.not(failure.properties.state, 'RUNNING');
  t.deepEqual(failure.reasons, [err!.message]);
  await deployments.delete!(failure.id, failure.properties);
});

test('check refuses privileged fields the master would refuse for the stack\'s token, on their property; an admin token passes', async (t) => {
  const master = await startTestMaster({ tokens: [
    { token: 'deploy-token-0123456789', role: 'deploy', name: 'ci' },
    { token: 'admin-token-0123456789', role: 'admin', name: 'alice' },
  ], admission: { hostPaths: ['/srv'] } });
  t.teardown(master.close);
  const asToken = async (token: string) => {
    const jobs = createJobProvider();
    await jobs.configure!(configOf({ 'helios:master': master.url, 'helios:token': token }));
    return jobs;
  };
  const privileged = web({ volumes: { '/host': '/', '/data': '/srv/data', '/cache': UNKNOWN }, networkMode: 'host', securityOpt: ['seccomp=unconfined'] } as Partial<JobInputs>);
  const { failures } = await (await asToken('deploy-token-0123456789')).check!({} as JobInputs, privileged);
  t.deepEqual(failures!.map((f) => [f.property, f.reason.split(':')[0]]), [['volumes', 'volumes./host'], ['networkMode', 'networkMode'], ['securityOpt', 'securityOpt.0']]);
  t.regex(failures![0].reason, /mounts the host's root: .*; the master refuses it for token "ci" \(role deploy\): give the stack an admin token \(helios:token\)/);
  t.deepEqual((await (await asToken('admin-token-0123456789')).check!({} as JobInputs, privileged)).failures, []);

  // The same refusal at create, from the master itself, for what check would have said.
  const jobs = await asToken('deploy-token-0123456789');
  const err = await t.throwsAsync(jobs.create!(web({ name: 'rooted', volumes: { '/host': '/' } } as Partial<JobInputs>)));
  t.regex(String(err?.message), /asks for privileged fields that token "ci" \(role deploy\) may not create: volumes\.\/host/);
});
