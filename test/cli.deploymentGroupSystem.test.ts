/**
 * Helios' system test DeploymentGroupTest (helios-system-tests), replayed through our CLI: a real
 * master, real agents (in this process, each with its own name and labels, all on the session's
 * Docker engine) and busybox containers. Helios' test sleeps 1 s after create-deployment-group for its
 * host pass; ours needs none: a rolling update right after it already sees the matching hosts.
 * testRollingUpdateCoordination runs three masters over the session's PostgreSQL, where Helios checked
 * that every master deployed part of the rollout and ours checks that exactly one does (the rollouts
 * lease holder), whichever master the request and each agent went to.
 * Left out: the @Ignore'd testRollingUpdatePerformance (bench/rollout measures rollouts).
 */
import test, { type ExecutionContext } from 'ava';
import type { Deployment, DeploymentGroupStatusResponse } from '../core/index.js';
import { startMasterFor, startTestAgent, uniqueName, waitForState, type TestAgent } from './harness/agent.js';
import { startTestMaster, type TestMaster } from './harness/master.js';
import { createTestDatabase } from './harness/postgres.js';
import { waitFor } from './harness/processes.js';
import { ensureCliBuilt, helios } from './cliHarness.js';

const GROUP = 'my_group';
const LABEL = { foo: 'bar' };
const TOKEN = 'foo-token';
const IDLE = ['sleep', '1000000'];
const WAIT_MS = 60_000;

test.before(ensureCliBuilt);

/** `helios ARGS`, which must succeed; its stdout. */
async function cli(t: ExecutionContext, m: TestMaster, args: string[]): Promise<string> {
  const r = await helios(m, args);
  t.is(r.code, 0, `helios ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** A job as Helios' createJob(name, version, BUSYBOX, IDLE_COMMAND): quick to stop (init, 1 s to SIGKILL). */
async function createJob(m: TestMaster, id: string, more: { token?: string; image?: string } = {}): Promise<string> {
  return (await m.client.jobs.create({ id, image: more.image ?? 'busybox:latest', command: IDLE, init: true, secondsToWaitBeforeKill: 1, ...(more.token ? { token: more.token } : {}) })).id;
}

async function agent(t: ExecutionContext, m: TestMaster, name: string, labels: Record<string, string> = LABEL, stateDir?: string): Promise<TestAgent> {
  const a = await startTestAgent(t, m, { name, labels, ...(stateDir ? { stateDir } : {}) });
  await waitFor(async () => {
    const status = await m.client.hosts.status(name).catch(() => undefined);
    return status?.status === 'UP' && JSON.stringify(status.labels) === JSON.stringify(labels) ? status : undefined;
  }, { timeoutMs: WAIT_MS, message: `${name} UP with labels ${JSON.stringify(labels)}` });
  return a;
}

/** Helios' awaitDeploymentGroupStatus: the group's state (ROLLING_OUT, DONE, FAILED; DONE is ACTIVE on the API). */
function awaitGroup(m: TestMaster, state: 'ROLLING_OUT' | 'DONE' | 'FAILED'): Promise<DeploymentGroupStatusResponse> {
  return waitFor(async () => {
    const status = await m.client.deploymentGroups.status(GROUP);
    return status.deploymentGroupStatus?.state === state ? status : undefined;
  }, { timeoutMs: WAIT_MS, intervalMs: 20, message: `${GROUP} reaching ${state}` });
}

const deploymentOn = async (m: TestMaster, host: string, jobId: string): Promise<Deployment | undefined> => (await m.client.hosts.status(host)).jobs[jobId];

const awaitUndeployed = (m: TestMaster, host: string, jobId: string) => waitFor(async () => {
  const status = await m.client.jobs.status(jobId);
  return !Object.hasOwn(status.deployments, host) && !Object.hasOwn(status.taskStatuses, host) ? true : undefined;
}, { timeoutMs: WAIT_MS, message: `${jobId} gone from ${host}` });

const running = (m: TestMaster, jobId: string, host: string) => waitForState(m, jobId, host, 'RUNNING', WAIT_MS);

test('testRollingUpdate: every host gets the job, then a second job replaces it, hosts printed in order', async (t) => {
  const m = await startMasterFor(t);
  const base = uniqueName('h');
  const hosts = [`dc1-${base}-a1.dc1.example.com`, `dc1-${base}-a2.dc1.example.com`, `dc2-${base}-a1.dc2.example.com`];
  for (const host of hosts) await agent(t, m, host);
  await cli(t, m, ['create-deployment-group', '--json', GROUP, 'foo=bar']);
  const first = await createJob(m, 'test:1');
  await cli(t, m, ['rolling-update', '--async', 'test:1', GROUP]);
  for (const host of hosts) await running(m, first, host);
  t.is((await deploymentOn(m, hosts[0], first))?.deploymentGroupName, GROUP);
  await awaitGroup(m, 'DONE');

  const second = await createJob(m, 'test:12');
  const output = await cli(t, m, ['rolling-update', 'test:12', GROUP]);
  const lines = output.split('\n');
  hosts.forEach((host, i) => t.true(lines[i].startsWith(`${host} -> RUNNING (${i + 1}/${hosts.length})`), output));
  t.regex(output, /\nDone\.\nDuration: /);
  for (const host of hosts) await running(m, second, host);
  await awaitGroup(m, 'DONE');
  for (const host of hosts) t.is(await deploymentOn(m, host, first), undefined);
});

test('testRollingUpdateCoordination: three masters over one PostgreSQL, agents spread over them; the rollout is driven by one, the lease holder', async (t) => {
  const dbPath = await createTestDatabase(t);
  const masters: TestMaster[] = [];
  for (const name of ['a', 'b', 'c']) {
    const m = await startTestMaster({ dbPath, name });
    t.teardown(m.close);
    masters.push(m);
    // a's engine takes the rollouts lease at its first pass, before the others exist.
    if (name === 'a') await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const base = uniqueName('h');
  const hosts = [0, 1, 2, 3, 4, 5].map((i) => `${base}${i}`);
  await Promise.all(hosts.map((host, i) => agent(t, masters[i % 3], host)));
  const c = masters[2];
  await cli(t, c, ['create-deployment-group', '--json', GROUP, 'foo=bar']);
  const jobId = await createJob(c, 'test:1');
  await cli(t, c, ['rolling-update', '--async', '--par', String(hosts.length), 'test:1', GROUP]);
  await running(c, jobId, hosts.at(-1)!);
  const done = await awaitGroup(c, 'DONE');
  t.deepEqual(done.hostStatuses.map((h) => [h.host, h.state]), hosts.map((host) => [host, 'RUNNING']));
  const deployers = new Set<string>();
  for (const host of hosts) deployers.add((await deploymentOn(c, host, jobId))!.deployerMaster!);
  t.deepEqual([...deployers], ['a'], 'Helios had every master deploy a part; here the lease holder drives the whole rollout');
});

test('testAgentAddedAfterRollingUpdateIsDeployed', async (t) => {
  const m = await startMasterFor(t);
  const host = uniqueName('h');
  await agent(t, m, host);
  await cli(t, m, ['create-deployment-group', '--json', GROUP, 'foo=bar']);
  const jobId = await createJob(m, 'test:1');
  await cli(t, m, ['rolling-update', '--async', 'test:1', GROUP]);
  await running(m, jobId, host);
  await agent(t, m, `${host}2`);
  await running(m, jobId, `${host}2`);
});

test('testRemovingAgentTagUndeploysJob: relabelled out is undeployed, back in redeployed; a deregistered host just leaves', async (t) => {
  const m = await startMasterFor(t, { downAfterMs: 3_000 });
  const base = uniqueName('h');
  const [oldHost, deregisterHost, unchangedHost, newHost] = [base, `${base}2`, `${base}3`, `${base}4`];
  let oldAgent = await agent(t, m, oldHost);
  const deregisterAgent = await agent(t, m, deregisterHost);
  await agent(t, m, unchangedHost);
  await cli(t, m, ['create-deployment-group', '--json', GROUP, 'foo=bar']);
  const jobId = await createJob(m, 'test:1');
  await cli(t, m, ['rolling-update', '--async', 'test:1', GROUP]);
  for (const host of [oldHost, deregisterHost, unchangedHost]) await running(m, jobId, host);
  await awaitGroup(m, 'DONE');

  await agent(t, m, newHost);
  await running(m, jobId, newHost);
  await awaitGroup(m, 'DONE');

  // Still matching labels: the job stays.
  await oldAgent.stop();
  oldAgent = await agent(t, m, oldHost, { foo: 'bar', another: 'label' }, oldAgent.stateDir);
  await running(m, jobId, oldHost);

  // Labels that no longer match: the job is undeployed there.
  await oldAgent.stop();
  oldAgent = await agent(t, m, oldHost, { foo: 'notbar' }, oldAgent.stateDir);
  await awaitUndeployed(m, oldHost, jobId);
  await awaitGroup(m, 'DONE');
  t.deepEqual((await m.client.deploymentGroups.status(GROUP)).hostStatuses.map((h) => h.host).includes(oldHost), false);

  // Matching again: redeployed.
  await oldAgent.stop();
  await agent(t, m, oldHost, LABEL, oldAgent.stateDir);
  await running(m, jobId, oldHost);
  await awaitGroup(m, 'DONE');

  // A deregistered host leaves the group, its group deployment with it; the others keep the job.
  // (Its agent is stopped first, or it would register again.)
  await deregisterAgent.stop();
  await cli(t, m, ['deregister', '--yes', deregisterHost]);
  t.false(deregisterHost in (await m.client.jobs.status(jobId)).deployments);
  await awaitGroup(m, 'DONE');
  const members = (await m.client.deploymentGroups.status(GROUP)).hostStatuses.map((h) => h.host).sort();
  t.deepEqual(members, [oldHost, unchangedHost, newHost].sort());
});

test('testRollingUpdateMigrate and testRollingUpdateMigrateWithToken: a job deployed by hand is taken over by the group', async (t) => {
  const m = await startMasterFor(t);
  const host = uniqueName('h');
  await agent(t, m, host);
  const jobId = await createJob(m, 'test:1', { token: TOKEN });
  await m.client.deployments.deploy(host, jobId, { token: TOKEN });
  await running(m, jobId, host);
  await cli(t, m, ['create-deployment-group', '--json', GROUP, 'foo=bar']);
  await cli(t, m, ['rolling-update', '--async', '--migrate', '--token', TOKEN, 'test:1', GROUP]);
  const owned = await waitFor(async () => (await deploymentOn(m, host, jobId))?.deploymentGroupName, { timeoutMs: WAIT_MS, message: 'group owns the deployment' });
  t.is(owned, GROUP);
  await awaitGroup(m, 'DONE');
  await running(m, jobId, host);
});

test('testRollingUpdateMigrateNothingToUndeploy: another job deployed by hand stays running', async (t) => {
  const m = await startMasterFor(t);
  const host = uniqueName('h');
  await agent(t, m, host);
  const manual = await createJob(m, 'test:foo-1');
  await m.client.deployments.deploy(host, manual);
  await running(m, manual, host);
  const jobId = await createJob(m, 'test:1');
  await cli(t, m, ['create-deployment-group', '--json', GROUP, 'foo=bar']);
  await cli(t, m, ['rolling-update', '--async', '--migrate', 'test:1', GROUP]);
  await awaitGroup(m, 'DONE');
  await running(m, jobId, host);
  t.is((await deploymentOn(m, host, jobId))?.deploymentGroupName, GROUP);
  t.is((await deploymentOn(m, host, manual))?.goal, 'START');
});

test('testIdenticalRollouts: a rolling update of a stopped (FAILED) group starts afresh and reaches DONE', async (t) => {
  const m = await startMasterFor(t);
  const host = uniqueName('h');
  await agent(t, m, host);
  await cli(t, m, ['create-deployment-group', '--json', GROUP, 'foo=bar']);
  await createJob(m, 'test:1');
  await cli(t, m, ['rolling-update', '--async', 'test:1', GROUP]);
  await awaitGroup(m, 'DONE');
  await cli(t, m, ['stop-deployment-group', GROUP]);
  await awaitGroup(m, 'FAILED');
  await cli(t, m, ['rolling-update', '--async', 'test:1', GROUP]);
  await awaitGroup(m, 'DONE');
});

test('testStoppedJob: a stopped job is replaced, and a stopped job rolled out again is started', async (t) => {
  const m = await startMasterFor(t);
  const host = uniqueName('h');
  await agent(t, m, host);
  await cli(t, m, ['create-deployment-group', '--json', GROUP, 'foo=bar']);
  const first = await createJob(m, 'test:1');
  const second = await createJob(m, 'test:2');
  await cli(t, m, ['rolling-update', '--async', 'test:1', GROUP]);
  await running(m, first, host);
  await awaitGroup(m, 'DONE');
  await cli(t, m, ['stop', 'test:1', host]);
  await waitForState(m, first, host, 'STOPPED', WAIT_MS);

  await cli(t, m, ['rolling-update', '--async', 'test:2', GROUP]);
  await awaitGroup(m, 'DONE');
  await running(m, second, host);
  t.deepEqual((await m.client.jobs.status(first)).deployments, {});

  await cli(t, m, ['stop', 'test:2', host]);
  await waitForState(m, second, host, 'STOPPED', WAIT_MS);
  await cli(t, m, ['rolling-update', '--async', 'test:2', GROUP]);
  await running(m, second, host);
  await awaitGroup(m, 'DONE');
});

test('testRollingUpdateWithOverlap and testRollingUpdateWithOverlapAndParallelism', async (t) => {
  const m = await startMasterFor(t);
  const base = uniqueName('h');
  const hosts = [`${base}-a1`, `${base}-a2`, `${base}-a3`];
  for (const host of hosts) await agent(t, m, host);
  await cli(t, m, ['create-deployment-group', '--json', GROUP, 'foo=bar']);
  const first = await createJob(m, 'test:1');
  await cli(t, m, ['rolling-update', '--async', '--overlap', 'test:1', GROUP]);
  for (const host of hosts) await running(m, first, host);
  await awaitGroup(m, 'DONE');
  const second = await createJob(m, 'test:12');
  await cli(t, m, ['rolling-update', '--async', '-p', '2', '--overlap', 'test:12', GROUP]);
  for (const host of hosts) await running(m, second, host);
  await awaitGroup(m, 'DONE');
  for (const host of hosts) await awaitUndeployed(m, host, first);
});

test('testRollingUpdateWithToken: the group deploys with the token; an undeploy without it is FORBIDDEN', async (t) => {
  const m = await startMasterFor(t);
  const host = uniqueName('h');
  await agent(t, m, host);
  const jobId = await createJob(m, 'test:1', { token: TOKEN });
  await cli(t, m, ['create-deployment-group', '--json', GROUP, 'foo=bar']);
  await cli(t, m, ['rolling-update', '--async', '--token', TOKEN, 'test:1', GROUP]);
  await awaitGroup(m, 'DONE');
  await running(m, jobId, host);
  const undeploy = await helios(m, ['undeploy', jobId, host]);
  t.is(undeploy.code, 1);
  t.regex(undeploy.stdout + undeploy.stderr, /FORBIDDEN/);
  await awaitGroup(m, 'DONE');
  await running(m, jobId, host);
});

test('testRemoveDeploymentGroupActive: a group rolling out an image that cannot be pulled is removed', async (t) => {
  const m = await startMasterFor(t);
  const host = uniqueName('h');
  await agent(t, m, host);
  await createJob(m, 'test:1', { image: '127.0.0.1:1/invalid_image:1' });
  await cli(t, m, ['create-deployment-group', '--json', GROUP, 'foo=bar']);
  await cli(t, m, ['rolling-update', '--async', '--migrate', 'test:1', GROUP]);
  t.deepEqual((await helios(m, ['remove-deployment-group', '--json', GROUP])).json(), { status: 'REMOVED' });
  t.deepEqual(await m.client.deploymentGroups.list(), []);
});

test('ours: rolling-update --auto-revert to an image that cannot be pulled fails in seconds, and the hosts run the previous job again', async (t) => {
  const m = await startMasterFor(t);
  const base = uniqueName('h');
  const hosts = [`${base}-a1`, `${base}-a2`];
  for (const host of hosts) await agent(t, m, host);
  await cli(t, m, ['create-deployment-group', '--json', GROUP, 'foo=bar']);
  const good = await createJob(m, 'test:1');
  await cli(t, m, ['rolling-update', 'test:1', GROUP]);
  // Nothing listens on 127.0.0.1:1: the pull fails at once (IMAGE_PULL_FAILED), no traffic leaves the machine.
  await createJob(m, 'test:2', { image: '127.0.0.1:1/missing:2' });
  const started = Date.now();
  const r = await helios(m, ['rolling-update', '--auto-revert', 'test:2', GROUP]);
  const tookMs = Date.now() - started;
  t.is(r.code, 1, r.stderr);
  t.regex(r.stdout, new RegExp(`\\nFailed: ${hosts[0]}: .+ \\(reverted: the hosts it touched run ${good} again\\)\\nDuration: \\d+\\.\\d\\d s\\n$`));
  t.true(tookMs < 30_000, `the failed rollout took ${tookMs} ms`);
  t.log(`rolling-update --auto-revert to a missing image: exit 1 after ${tookMs} ms`);
  for (const host of hosts) await running(m, good, host);
  const status = await helios(m, ['deployment-group-status', '--history', GROUP]);
  t.regex(status.stdout, /\nStatus: FAILED\n/);
  t.regex(status.stdout, /\nReverted: yes, the hosts it touched run the previous job again\n/);
  t.regex(status.stdout, /\nRollout \d+: test:2:[0-9a-f]{7} \(MANUAL, by [^)]+\), started .* UTC: FAILED, reverted after /);
  t.regex(status.stdout, new RegExp(`\\n  ${hosts[0]} +REVERT +DONE `));
});
