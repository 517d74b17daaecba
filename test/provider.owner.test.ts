// Each Pulumi stack owns what it makes (`pulumi:<project>/<stack>`): the provider's methods called
// directly against a real master, as two stacks of one project, plus a stack's `helios inspect` view.
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { startTestMaster, dumpDb, expectError, type TestMaster } from './harness/master.js';
import { helios } from './cliHarness.js';
import { createJobProvider } from '../provider/jobProvider.js';
import { createDeploymentProvider } from '../provider/deploymentProvider.js';
import type { DeploymentInputs, DeploymentOutputs, JobInputs } from '../provider/types.js';

/** The provider's errors come from the installed `helios/core` (see provider/loadCore.ts), another HeliosError class than the source's. */
async function refused(t: ExecutionContext, promise: Promise<unknown>, code: string) {
  const err = await t.throwsAsync(promise, { code });
  return err as Error & { code: string; data: Record<string, unknown> };
}

const STACK_A = 'pulumi:shop/a';
const STACK_B = 'pulumi:shop/b';

const configOf = (values: Record<string, string>) => ({ config: { get: (key: string) => values[key], require: (key: string) => values[key] } });

/** The providers as one stack's `pulumi up` runs them (the stack itself comes with each resource's inputs). */
async function stack(master: TestMaster, config: Record<string, string> = {}) {
  const jobs = createJobProvider();
  const deployments = createDeploymentProvider();
  await jobs.configure!(configOf({ 'helios:master': master.url, ...config }));
  await deployments.configure!(configOf({ 'helios:master': master.url, ...config }));
  return { jobs, deployments };
}

async function withMaster(t: { teardown(fn: () => Promise<void>): void }) {
  const master = await startTestMaster();
  t.teardown(master.close);
  await master.client.hosts.register('h1', 'h1-id');
  return { master, a: await stack(master), b: await stack(master) };
}

const web = (owner: string | undefined, extra: Partial<JobInputs> = {}): JobInputs => ({
  name: 'web', version: '1', image: 'busybox:latest', command: ['sleep', '300'], owner, ...extra,
});
const onH1 = (owner: string | undefined, job: string): DeploymentInputs => ({ owner, job, host: 'h1', goal: 'STOP', timeoutSeconds: 1 });

test('a stack\'s job and deployment are owned pulumi:<project>/<stack> on the master, as helios inspect and jobs show', async (t) => {
  const { master, a } = await withMaster(t);
  const { id: jobId } = await a.jobs.create(web(STACK_A));
  await a.deployments.create(onH1(STACK_A, jobId));
  t.is((await master.client.jobs.get(jobId)).owner, STACK_A);
  t.like(await master.client.deployments.get('h1', jobId), { owner: STACK_A, goal: 'STOP' });
  const inspect = await helios(master, ['inspect', jobId]);
  t.is(inspect.code, 0, inspect.stderr);
  t.regex(inspect.stdout, /^Owner: +pulumi:shop\/a$/m);
  const jobs = await helios(master, ['jobs', '--json']);
  t.like(jobs.json<Record<string, { owner: string }>>()[jobId], { owner: STACK_A });
});

test('a create retried after its answer was lost adopts the stack\'s own job and deployment', async (t) => {
  const { master, a } = await withMaster(t);
  const first = await a.jobs.create(web(STACK_A));
  t.deepEqual(await a.jobs.create(web(STACK_A)), first, 'the same job again: adopted');
  const deployed = await a.deployments.create(onH1(STACK_A, first.id));
  await master.clientWith({ owner: STACK_A }).deployments.setGoal('h1', first.id, 'START');
  t.deepEqual(await a.deployments.create(onH1(STACK_A, first.id)), deployed, 'the same deployment again: taken over');
  t.is((await master.client.deployments.get('h1', first.id)).goal, 'STOP', 'with this resource\'s goal');
});

test('stack B cannot adopt stack A\'s job or deployment: STACK_OWNED naming stack A, and nothing changes', async (t) => {
  const { master, a, b } = await withMaster(t);
  const { id: jobId } = await a.jobs.create(web(STACK_A));
  await a.deployments.create(onH1(STACK_A, jobId));
  const before = await dumpDb(master.dbPath);

  const job = await refused(t, b.jobs.create(web(STACK_B)), 'STACK_OWNED');
  t.is(job.message, `job ${jobId} belongs to Pulumi stack shop/a, not to this one (shop/b): change or delete it from stack shop/a `
    + '(declaring it there again adopts it), or drop it from this one with `pulumi state delete`');
  t.like(job.data, { owner: STACK_A, claimant: STACK_B });
  const deployment = await refused(t, b.deployments.create(onH1(STACK_B, jobId)), 'STACK_OWNED');
  t.regex(deployment.message, new RegExp(`^the deployment of ${jobId} on h1 belongs to Pulumi stack shop/a, not to this one \\(shop/b\\)`));
  t.deepEqual(await dumpDb(master.dbPath), before);
});

test('stack B cannot update or delete stack A\'s deployment or job (its state holding them, e.g. copied): STACK_OWNED naming stack A', async (t) => {
  const { master, a, b } = await withMaster(t);
  const job = await a.jobs.create(web(STACK_A));
  const deployment = await a.deployments.create(onH1(STACK_A, job.id));
  const before = await dumpDb(master.dbPath);
  const asB = <T extends object>(outs: T) => ({ ...outs, owner: STACK_B });

  const update = await refused(t, b.deployments.update!(deployment.id, asB(deployment.outs!), { ...onH1(STACK_B, job.id), goal: 'START' }), 'STACK_OWNED');
  t.regex(update.message, /belongs to Pulumi stack shop\/a, not to this one \(shop\/b\)/);
  const undeploy = await refused(t, b.deployments.delete!(deployment.id, asB(deployment.outs!)), 'STACK_OWNED');
  t.regex(undeploy.message, new RegExp(`^the deployment of ${job.id} on h1 belongs to Pulumi stack shop/a`));
  const remove = await refused(t, b.jobs.delete!(job.id, asB(job.outs!)), 'STACK_OWNED');
  t.regex(remove.message, new RegExp(`^job ${job.id} belongs to Pulumi stack shop/a`));
  t.deepEqual(await dumpDb(master.dbPath), before, 'still deployed, goal STOP, job kept');

  // Stack A still can.
  await a.deployments.delete!(deployment.id, deployment.outs!);
  await a.jobs.delete!(job.id, job.outs!);
  t.deepEqual(await master.client.jobs.list(), {});
});

test('what the CLI made is never adopted; a stack\'s delete of what it holds that the CLI redeployed goes ahead', async (t) => {
  const { master, a } = await withMaster(t);
  const cli = master.clientWith({ owner: 'cli' });
  const byHand = await cli.jobs.create({ name: 'hand', version: '1', image: 'busybox:latest' });
  await refused(t, a.jobs.create({ name: 'hand', version: '1', image: 'busybox:latest', owner: STACK_A }), 'JOB_ALREADY_EXISTS');
  await cli.deployments.deploy('h1', byHand.id, { goal: 'STOP' });
  await refused(t, a.deployments.create(onH1(STACK_A, byHand.id)), 'JOB_ALREADY_DEPLOYED');

  const { id: jobId } = await a.jobs.create(web(STACK_A));
  const deployment = await a.deployments.create(onH1(STACK_A, jobId));
  await cli.deployments.undeploy('h1', jobId);
  await cli.deployments.deploy('h1', jobId, { goal: 'STOP' });
  await a.deployments.delete!(deployment.id, deployment.outs!);
  await expectError(t, master.client.deployments.get('h1', jobId), 'JOB_NOT_DEPLOYED');
});

test('resources owned plain "pulumi" (before stacks owned theirs) are refused with the fix; helios:adoptLegacy true adopts them', async (t) => {
  const { master, a } = await withMaster(t);
  const legacy = master.clientWith({ owner: 'pulumi' });
  const { id: jobId } = await legacy.jobs.create({ name: 'web', version: '1', image: 'busybox:latest', command: ['sleep', '300'] });
  await legacy.deployments.deploy('h1', jobId, { goal: 'STOP' });
  // The state of a resource made then has no owner: delete gets props without one.
  const { owner: _none, ...made } = onH1(undefined, jobId);
  const oldState: DeploymentOutputs = { ...made, goal: 'STOP', timeoutSeconds: 1, jobId, staticExternalPorts: [], state: 'NONE', containerId: null, ports: {} };

  const unclaimed = await refused(t, a.jobs.create(web(STACK_A)), 'STACK_OWNED');
  t.is(unclaimed.message, `job ${jobId} is owned "pulumi", by a Helios provider from before each stack owned its resources: `
    + 'if this stack made it, run `pulumi config set helios:adoptLegacy true` and retry; if another stack did, drop it from this one with `pulumi state delete`');
  await refused(t, a.deployments.create(onH1(STACK_A, jobId)), 'STACK_OWNED');
  await refused(t, a.deployments.delete!(`h1/${jobId}`, oldState), 'STACK_OWNED');
  t.like(await master.client.deployments.get('h1', jobId), { owner: 'pulumi', goal: 'STOP' });

  const adopting = await stack(master, { 'helios:adoptLegacy': 'true' });
  t.is((await adopting.jobs.create(web(STACK_A))).id, jobId);
  const { outs } = await adopting.deployments.create({ ...onH1(STACK_A, jobId), goal: 'STOP' });
  const { outs: updated } = await adopting.deployments.update!(`h1/${jobId}`, outs!, { ...onH1(STACK_A, jobId), timeoutSeconds: 2 });
  t.like(updated, { owner: STACK_A, timeoutSeconds: 2 });
  await adopting.deployments.delete!(`h1/${jobId}`, oldState);
  await adopting.jobs.delete!(jobId, { ...web(undefined), jobId });
  t.deepEqual(await master.client.jobs.list(), {});
});

test('helios:adoptLegacy must be true or false', async (t) => {
  const master = await startTestMaster();
  t.teardown(master.close);
  const err = await refused(t, stack(master, { 'helios:adoptLegacy': 'yes' }), 'INVALID_ARGUMENT');
  t.is(err!.message, 'stack config helios:adoptLegacy must be true or false, got "yes"');
});

test('import (read without props) takes what the CLI made, but not what a stack owns: STACK_OWNED naming it', async (t) => {
  const { master, a } = await withMaster(t);
  const { id: stackJob } = await a.jobs.create(web(STACK_A));
  const err = await refused(t, a.jobs.read!(stackJob), 'STACK_OWNED');
  t.regex(err.message, new RegExp(`^job ${stackJob} belongs to Pulumi stack shop/a, not to this one:`));
  const { id: handJob } = await master.clientWith({ owner: 'cli' }).jobs.create({ name: 'hand', version: '1', image: 'busybox:latest' });
  t.like((await a.jobs.read!(handJob)).props, { name: 'hand', jobId: handJob });
});

test('import of a deployment (read without props) takes what the CLI deployed, but not what a stack owns: STACK_OWNED naming it', async (t) => {
  const { master, a, b } = await withMaster(t);
  const { id: jobId } = await a.jobs.create(web(STACK_A));
  const deployment = await a.deployments.create(onH1(STACK_A, jobId));
  const err = await refused(t, b.deployments.read!(deployment.id), 'STACK_OWNED');
  t.regex(err.message, new RegExp(`^the deployment of ${jobId} on h1 belongs to Pulumi stack shop/a, not to this one:`));
  const { id: handJob } = await master.clientWith({ owner: 'cli' }).jobs.create({ name: 'hand', version: '1', image: 'busybox:latest' });
  await master.clientWith({ owner: 'cli' }).deployments.deploy('h1', handJob, { goal: 'STOP' });
  t.like((await b.deployments.read!(`h1/${handJob}`)).props, { host: 'h1', job: handJob, jobId: handJob, goal: 'STOP' });
});

test('check refuses a missing or malformed owner, naming the resource classes that set it', async (t) => {
  const { a } = await withMaster(t);
  for (const owner of [undefined, 'pulumi', 'pulumi:shop', 'cli']) {
    const { failures } = await a.jobs.check!({} as JobInputs, web(owner));
    t.deepEqual(failures, [{
      property: 'owner',
      reason: `owner: must be pulumi:<project>/<stack>, set by helios.Job and helios.Deployment from the running stack; got ${JSON.stringify(owner)}`,
    }], String(owner));
  }
  t.deepEqual((await a.deployments.check!({} as never, { job: 'web:1', host: 'h1', owner: 'x' })).failures!.map((f) => f.property), ['owner']);
});

test('the master takes Helios-Owner pulumi:<project>/<stack> and refuses a malformed one (and git:) with 400 naming the header', async (t) => {
  const master = await startTestMaster();
  t.teardown(master.close);
  const longest = `pulumi:${'p'.repeat(100)}/${'S.s_-1'.repeat(16).slice(0, 100)}`;
  for (const [i, owner] of [STACK_A, 'pulumi:My.Project_1/dev-2', longest].entries()) {
    const { id } = await master.clientWith({ owner }).jobs.create({ name: 'ok', version: String(i), image: 'busybox' });
    t.is((await master.client.jobs.get(id)).owner, owner);
  }
  for (const owner of ['pulumi:shop', 'pulumi:shop/a/b', 'pulumi:/a', `pulumi:${'p'.repeat(101)}/a`, 'pulumi:sh op/a', 'git:shop']) {
    const err = await expectError(t, master.clientWith({ owner }).jobs.create({ name: 'bad', version: '1', image: 'busybox' }), 'INVALID_REQUEST');
    t.regex(err.message, /^header Helios-Owner: /, owner);
  }
  t.is(Object.keys(await master.client.jobs.list()).length, 3, 'only the three good ones');
});

test('a state without this stack\'s owner (an older provider\'s, a renamed or copied stack) updates in place, where the owner is checked', async (t) => {
  const { master, a } = await withMaster(t);
  const legacy = master.clientWith({ owner: 'pulumi' });
  const { id: jobId } = await legacy.jobs.create(web(undefined));
  await legacy.deployments.deploy('h1', jobId, { goal: 'STOP' });
  const { owner: _none, ...made } = onH1(undefined, jobId);
  const jobState = { ...web(undefined), jobId };
  const deploymentState: DeploymentOutputs = { ...made, goal: 'STOP', timeoutSeconds: 1, jobId, staticExternalPorts: [], state: 'NONE', containerId: null, ports: {} };
  const inPlace = { changes: true, replaces: [], deleteBeforeReplace: false };
  t.deepEqual(await a.jobs.diff!(jobId, jobState, web(STACK_A)), inPlace);
  t.deepEqual(await a.deployments.diff!(`h1/${jobId}`, deploymentState, onH1(STACK_A, jobId)), inPlace);
  t.deepEqual(await a.jobs.diff!(jobId, { ...jobState, owner: STACK_A }, web(STACK_A)), { changes: false });

  // The first `up` after the upgrade: refused with the fix, or with the opt-in the state takes the stack.
  t.regex((await refused(t, a.jobs.update!(jobId, jobState, web(STACK_A)), 'STACK_OWNED')).message, /helios:adoptLegacy true/);
  await refused(t, a.deployments.update!(`h1/${jobId}`, deploymentState, onH1(STACK_A, jobId)), 'STACK_OWNED');
  const adopting = await stack(master, { 'helios:adoptLegacy': 'true' });
  t.deepEqual(await adopting.jobs.update!(jobId, jobState, web(STACK_A)), { outs: { ...web(STACK_A), jobId } });
  t.like((await adopting.deployments.update!(`h1/${jobId}`, deploymentState, onH1(STACK_A, jobId))).outs, { owner: STACK_A, goal: 'STOP' });

  // A stack renamed from a to b (or b holding a copy of a's state) is told at `up` whose they are.
  const { id: ownJob } = await a.jobs.create(web(STACK_A, { name: 'own' }));
  const renamed = await refused(t, a.jobs.update!(ownJob, { ...web(STACK_A, { name: 'own' }), jobId: ownJob }, web(STACK_B, { name: 'own' })), 'STACK_OWNED');
  t.regex(renamed.message, /belongs to Pulumi stack shop\/a, not to this one \(shop\/b\)/);
});
