/**
 * The Pulumi `DeploymentGroup` through the real `@pulumi/pulumi` dynamic-provider host over gRPC (as
 * `pulumi up` drives it), with `Job` beside it, against a real master and three real agents (label
 * role=web) on the session's Docker engine: a new Job version given to the group is a rolling update
 * that the update waits for, with its rolloutOptions; a failed one fails the update with its error.
 */
import test, { type ExecutionContext } from 'ava';
import { deploymentGroupProvider, jobProvider } from 'helios/provider';
import { agentContainers, startTestAgent, uniqueName, type TestAgent } from './harness/agent.js';
import { emptyRegistry } from './harness/emptyRegistry.js';
import { startTestMaster } from './harness/master.js';
import { waitFor } from './harness/processes.js';
import { pulumiProgramDir, serializeProvider, startProviderHost, urn, type ProviderHostError } from './harness/pulumiHost.js';

const STACK = 'pulumi:helios-test/test';

async function setup(t: ExecutionContext) {
  const master = await startTestMaster();
  t.teardown(master.close);
  const prefix = uniqueName('pg');
  const agents = await Promise.all([1, 2, 3].map((i) => startTestAgent(t, master, { name: `${prefix}-${i}`, labels: { role: 'web' } })));
  await waitFor(async () => {
    const statuses = await Promise.all(agents.map((a) => master.client.hosts.status(a.name).catch(() => undefined)));
    return statuses.every((s) => s?.status === 'UP' && s.labels.role === 'web') || undefined;
  }, { timeoutMs: 60_000, message: 'three agents UP with role=web' });
  const program = pulumiProgramDir();
  t.teardown(program.remove);
  const host = await startProviderHost({ cwd: program.dir, project: 'helios-test', env: { HELIOS_MASTER: '', HELIOS_TOKEN: '' } });
  t.teardown(host.stop);
  await host.configure({ 'helios:master': master.url });
  return { master, agents, host, jobs: await serializeProvider(jobProvider), groups: await serializeProvider(deploymentGroupProvider) };
}

const jobInputs = (version: string, image = 'busybox:latest') =>
  ({ name: 'app', version, image, command: ['sleep', '3600'], init: true, secondsToWaitBeforeKill: 1, owner: STACK });

async function runningJobs(agents: TestAgent[]): Promise<string[][]> {
  return Promise.all(agents.map(async (a) => (await agentContainers(a.name)).filter((c) => c.State === 'running').map((c) => c.Labels['helios.job']).sort()));
}

test('a DeploymentGroup rolls a new Job version out with its rolloutOptions and waits; a failed rollout fails the update with its error; delete undeploys', async (t) => {
  const { master, agents, host, jobs, groups: __provider } = await setup(t);
  const groupUrn = urn('DeploymentGroup', 'web');
  const v1 = await host.create(urn('Job', 'app-1'), { ...jobInputs('1'), __provider: jobs });

  const bad = await host.check(groupUrn, {}, { name: 'web', hostSelectors: ['role=='], job: 'app:1', rolloutOptions: { parallelism: 0 }, owner: STACK, __provider });
  t.deepEqual(bad.failures.map((f) => f.property), ['hostSelectors', 'job', 'rolloutOptions']);
  const checked = await host.check(groupUrn, {}, { name: 'web', hostSelectors: ['role=web'], job: v1.id, rolloutOptions: { parallelism: 2 }, owner: STACK, __provider });
  t.deepEqual(checked.failures, []);
  t.is(checked.inputs.timeoutSeconds, 600);

  const created = await host.create(groupUrn, checked.inputs);
  t.is(created.id, 'web');
  t.like(created.properties, { status: 'ACTIVE', job: v1.id, hosts: agents.map((a) => a.name) });
  t.deepEqual(await runningJobs(agents), agents.map(() => [v1.id]));

  // A new version of the Job (create before delete: another version), then the group's update to it.
  const v2 = await host.create(urn('Job', 'app-2'), { ...jobInputs('2'), __provider: jobs });
  const news = { ...checked.inputs, job: v2.id };
  t.deepEqual(await host.diff(groupUrn, 'web', created.properties, news), { changes: 'SOME', replaces: [], deleteBeforeReplace: false });
  t.deepEqual(await host.diff(groupUrn, 'web', created.properties, { ...news, hostSelectors: ['role=api'] }), { changes: 'SOME', replaces: ['hostSelectors'], deleteBeforeReplace: true });
  const began = Date.now();
  const updated = await host.update(groupUrn, 'web', created.properties, news);
  const ms = Date.now() - began;
  t.like(updated.properties, { status: 'ACTIVE', job: v2.id, hosts: agents.map((a) => a.name) });
  const record = (await master.client.deploymentGroups.history('web')).rollouts[0];
  t.like(record, { id: updated.properties.rolloutId as number, jobId: v2.id, previousJobId: v1.id, outcome: 'DONE', options: { parallelism: 2 } });
  const [first, second, third] = record.hosts;
  t.true(Math.abs(first.started - second.started) < third.started - first.started, `the first two together, the third after: ${JSON.stringify(record.hosts)}`);
  t.true(third.started >= Math.max(first.finished!, second.finished!), 'the third once both are done');
  t.deepEqual(await runningJobs(agents), agents.map(() => [v2.id]));
  t.log(`update to a new Job version (3 hosts, parallelism 2), as pulumi up waits for it: ${ms} ms`);
  await host.delete(urn('Job', 'app-1'), v1.id, v1.properties);
  t.deepEqual(await host.diff(groupUrn, 'web', updated.properties, news), { changes: 'NONE', replaces: [], deleteBeforeReplace: false });

  // A version that cannot be pulled, with autoRevert: the update fails with the rollout's error; the hosts run v2 again.
  const registry = await emptyRegistry(t);
  const v3 = await host.create(urn('Job', 'app-3'), { ...jobInputs('3', `127.0.0.1:${registry}/missing:1`), __provider: jobs });
  const failing = { ...news, job: v3.id, rolloutOptions: { parallelism: 1, autoRevert: true } };
  const err = await t.throwsAsync<ProviderHostError>(host.update(groupUrn, 'web', updated.properties, failing));
  t.regex(err!.message, new RegExp(`rolling update \\d+ of deployment group web to ${v3.id} ended FAILED: .*cannot reach state RUNNING.*\\(reverted: the hosts it touched run ${v2.id} again\\)`));
  t.like(await master.client.deploymentGroups.status('web'), { status: 'FAILED', reverted: true, deploymentGroup: { jobId: v2.id } });
  await waitFor(async () => (await runningJobs(agents)).every((j) => j.length === 1 && j[0] === v2.id) || undefined, { timeoutMs: 60_000, message: 'every agent back on v2' });
  await host.delete(urn('Job', 'app-3'), v3.id, v3.properties);

  // Destroy: the group goes, its job is undeployed from its hosts, and the Job can be removed.
  await host.delete(groupUrn, 'web', updated.properties);
  t.deepEqual(await master.client.deploymentGroups.list(), []);
  t.is((await host.read(groupUrn, 'web', updated.properties)).id, '', 'a group gone from the master reads as gone');
  await host.delete(urn('Job', 'app-2'), v2.id, v2.properties);
  t.deepEqual(await master.client.jobs.list(), {});
});
