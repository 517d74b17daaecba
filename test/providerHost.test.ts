// The real @pulumi/pulumi dynamic-provider host, driven over gRPC the way the engine drives it during
// `pulumi up`, with the shipped providers serialized into `__provider`, against a real master.
import test from 'ava';
import { startTestMaster } from './harness/master.js';
import type { ProviderHostError} from './harness/pulumiHost.js';
import { pulumiProgramDir, serializeProvider, startProviderHost, urn } from './harness/pulumiHost.js';
import { deploymentProvider, jobProvider, UNKNOWN } from 'helios/provider';

/** The stack of the resources below, as helios.Job and helios.Deployment set it in a program. */
const STACK = 'pulumi:helios-test/test';

/** A master that wants a bearer token, and a host configured with it (unless `withToken` is false). */
async function setup(t: { teardown(fn: () => void | Promise<void>): void }, { withToken = true } = {}) {
  // The host must get the token from stack config helios:token: the environment offers none.
  const master = await startTestMaster({ tokens: ['s3cret'] });
  t.teardown(master.close);
  const program = pulumiProgramDir();
  t.teardown(program.remove);
  const host = await startProviderHost({ cwd: program.dir, project: 'helios-test', env: { HELIOS_MASTER: '', HELIOS_TOKEN: '' } });
  t.teardown(host.stop);
  await host.configure({ 'helios:master': master.url, ...(withToken ? { 'helios:token': 's3cret' } : {}) });
  return { master, host, jobs: await serializeProvider(jobProvider), deployments: await serializeProvider(deploymentProvider) };
}

test('Configure, Check, Diff, Create, Read, Delete of a Job through the host', async (t) => {
  const { master, host, jobs: __provider } = await setup(t);
  const jobUrn = urn('Job', 'web');
  const inputs = { name: 'web', version: '1', image: 'busybox', command: ['sleep', '300'], secondsToWaitBeforeKill: 1, owner: STACK, __provider };

  const bad = await host.check(jobUrn, {}, { ...inputs, ports: { http: { internalPort: 70000 } }, healthCheck: { type: 'tcp', port: 'nope' } });
  t.deepEqual(bad.failures, [
    { property: 'ports', reason: 'ports.http.internalPort: must be between 0 and 65535' },
    { property: 'healthCheck', reason: 'healthCheck.port: must name a port in ports (known: http)' },
  ]);
  const preview = await host.check(jobUrn, {}, { ...inputs, image: UNKNOWN, env: { DB: UNKNOWN } });
  t.deepEqual(preview.failures, []);
  const checked = await host.check(jobUrn, {}, inputs);
  t.deepEqual(checked, { inputs, failures: [] });

  const { id, properties } = await host.create(jobUrn, checked.inputs);
  t.regex(id, /^web:1:[0-9a-f]{40}$/);
  t.deepEqual(properties, { ...inputs, jobId: id });
  const stored = await master.client.jobs.get(id);
  t.is(stored.owner, STACK);

  t.deepEqual(await host.diff(jobUrn, id, properties, { ...inputs, image: 'docker.io/library/busybox:latest' }),
    { changes: 'NONE', replaces: [], deleteBeforeReplace: false });
  t.deepEqual(await host.diff(jobUrn, id, properties, { ...inputs, env: { A: '1' } }),
    { changes: 'SOME', replaces: ['env'], deleteBeforeReplace: true });
  t.deepEqual(await host.diff(jobUrn, id, properties, { ...inputs, version: '2' }),
    { changes: 'SOME', replaces: ['version'], deleteBeforeReplace: false });

  t.deepEqual(await host.read(jobUrn, id, properties), { id, properties });
  await host.delete(jobUrn, id, properties);
  await t.throwsAsync(master.client.jobs.get(id), { message: /not found/ });
  t.is((await host.read(jobUrn, id, properties)).id, '', 'a job gone from the master reads as gone');
});

test('Check, Create, Diff, Update, Read, Delete of a Deployment through the host; a task that never runs fails as "failed to initialise"', async (t) => {
  const { master, host, jobs, deployments: __provider } = await setup(t);
  await master.client.hosts.register('h1', 'h1-id');
  const job = await host.create(urn('Job', 'web'), { name: 'web', version: '1', image: 'busybox:latest', owner: STACK, __provider: jobs });
  const deploymentUrn = urn('Deployment', 'web-on-h1');

  const { inputs, failures } = await host.check(deploymentUrn, {}, { job: job.id, host: 'h1', goal: 'STOP', owner: STACK, __provider });
  t.deepEqual(failures, []);
  t.deepEqual(inputs, { job: job.id, host: 'h1', goal: 'STOP', owner: STACK, timeoutSeconds: 120, __provider });
  t.deepEqual((await host.check(deploymentUrn, {}, { job: 'bad', host: 'h1', owner: STACK, __provider })).failures.map((f) => f.property), ['job']);

  const { id, properties } = await host.create(deploymentUrn, inputs);
  t.is(id, `h1/${job.id}`);
  t.like(properties, { job: job.id, host: 'h1', goal: 'STOP', jobId: job.id, state: 'NONE', containerId: null, __provider });
  t.like(await master.client.deployments.get('h1', job.id), { goal: 'STOP', owner: STACK });

  const startNews = { ...inputs, goal: 'START', timeoutSeconds: 1 };
  t.deepEqual(await host.diff(deploymentUrn, id, properties, startNews), { changes: 'SOME', replaces: [], deleteBeforeReplace: false });
  t.deepEqual(await host.diff(deploymentUrn, id, properties, { ...inputs, host: 'h2' }), { changes: 'SOME', replaces: ['host'], deleteBeforeReplace: false });

  const err = await t.throwsAsync<ProviderHostError>(host.update(deploymentUrn, id, properties, startNews));
  t.regex(err!.message, /did not reach RUNNING within 1 s: the agent never reported the task/);
  t.truthy(err!.initFailure, 'the host reports ErrorResourceInitFailed in grpc-status-details-bin');
  t.is(err!.initFailure!.id, id);
  t.deepEqual(err!.initFailure!.reasons, [err!.message]);
  t.like(err!.initFailure!.properties, { goal: 'START', state: 'NONE', jobId: job.id });

  const stopped = await host.update(deploymentUrn, id, err!.initFailure!.properties, { ...inputs, __provider });
  t.like(stopped.properties, { goal: 'STOP', __provider });
  t.is((await master.client.deployments.get('h1', job.id)).goal, 'STOP');

  const read = await host.read(deploymentUrn, id, stopped.properties);
  t.is(read.id, id);
  t.like(read.properties, { goal: 'STOP', host: 'h1', jobId: job.id });

  await host.delete(deploymentUrn, id, stopped.properties);
  t.is((await host.read(deploymentUrn, id, stopped.properties)).id, '');
  await host.delete(urn('Job', 'web'), job.id, job.properties);
  t.deepEqual(await master.client.jobs.list(), {});
});

test('without helios:token the host is refused by a master that wants one (the token really comes from config)', async (t) => {
  const { host, jobs: __provider } = await setup(t, { withToken: false });
  const err = await t.throwsAsync<ProviderHostError>(host.create(urn('Job', 'web'), { name: 'web', version: '1', image: 'busybox', owner: STACK, __provider }));
  t.regex(err!.message, /token|unauthori/i);
  t.is(err!.initFailure, undefined);
});

test('through the host, another stack\'s create of this stack\'s job is refused naming the stack; this stack\'s retry adopts it', async (t) => {
  const { master, host, jobs: __provider } = await setup(t);
  const inputs = { name: 'web', version: '1', image: 'busybox', owner: STACK, __provider };
  const created = await host.create(urn('Job', 'web'), inputs);
  t.deepEqual(await host.create(urn('Job', 'web'), inputs), created, 'a create whose answer was lost, retried: adopted');
  const err = await t.throwsAsync<ProviderHostError>(host.create(urn('Job', 'web', 'helios-test', 'other'), { ...inputs, owner: 'pulumi:helios-test/other' }));
  t.is(err!.message, `job ${created.id} belongs to Pulumi stack helios-test/test, not to this one (helios-test/other): change or delete it `
    + 'from stack helios-test/test (declaring it there again adopts it), or drop it from this one with `pulumi state delete`');
  t.is((await master.client.jobs.get(created.id)).owner, STACK);
});
