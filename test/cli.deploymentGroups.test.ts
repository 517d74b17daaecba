/**
 * The deployment-group commands against a real master, replaying Helios' CLI tests
 * (DeploymentGroupCreateCommandTest, DeploymentGroupInspectCommandTest, DeploymentGroupRemoveCommandTest,
 * DeploymentGroupStatusCommandTest, RollingUpdateCommandTest) and the API-only scenarios of its system
 * test DeploymentGroupTest. No Docker: where a rollout needs an agent, the test plays it over the
 * agent protocol (heartbeats with labels, task statuses), so each host's progress is in its hands;
 * a blocking command runs on (its promise not yet awaited) while the test moves the hosts along.
 */
import test, { type ExecutionContext } from 'ava';
import type { DeploymentGroupStatusResponse, JobSpec, TaskStatus } from '../core/index.js';
import { heartbeatBody, startTestMaster, type TestMaster } from './harness/master.js';
import { waitFor } from './harness/processes.js';
import { ensureCliBuilt, helios } from './cliHarness.js';

async function master(t: ExecutionContext): Promise<TestMaster> {
  const m = await startTestMaster();
  t.teardown(m.close);
  return m;
}

/**
 * A host that is UP with these labels: registered, and heartbeating every second as its agent would
 * (a loaded machine can take longer than the master's 30 s DOWN threshold over one test).
 */
async function upHost(t: ExecutionContext, m: TestMaster, host: string, labels: Record<string, string>): Promise<void> {
  await m.client.hosts.register(host, `agent-${host}`);
  const beat = () => m.client.agents.heartbeat(host, heartbeatBody(`agent-${host}`, { labels }));
  await beat();
  const timer = setInterval(() => { beat().catch(() => undefined); }, 1_000);
  t.teardown(() => clearInterval(timer));
}

/** Reports the job RUNNING on the host, as its agent would once the container runs. */
async function reportRunning(m: TestMaster, host: string, jobId: string): Promise<void> {
  const status: TaskStatus = { jobId, goal: 'START', state: 'RUNNING', containerId: `c-${host}`, throttled: 'NO', ports: {}, env: {}, containerError: null };
  await m.client.agents.reportStatuses(host, { id: `agent-${host}`, updates: [{ status, timestamp: Date.now() }], removed: [] });
}

/** Waits until the master has the job deployed on the host (the rollout's DEPLOY_NEW_JOB). */
const deployedOn = (m: TestMaster, host: string, jobId: string) =>
  waitFor(async () => Object.hasOwn((await m.client.jobs.status(jobId)).deployments, host) || undefined,
    { timeoutMs: 30_000, intervalMs: 20, message: `${jobId} deployed on ${host}` });

const job = async (m: TestMaster, spec: Partial<JobSpec> & { id: string }) => (await m.client.jobs.create({ image: 'busybox:latest', ...spec })).id;

test.before(ensureCliBuilt);

// --- create-deployment-group (DeploymentGroupCreateCommandTest, DeploymentGroupTest.testListDeploymentGroups)

test('create-deployment-group prints the group (stderr) and the answer; the same again is NOT_MODIFIED; other selectors exit 1', async (t) => {
  const m = await master(t);
  const created = await helios(m, ['create-deployment-group', 'foo-group', 'foo=bar', 'baz=qux']);
  t.is(created.code, 0, created.stderr);
  t.is(created.stderr, 'Creating deployment group: {"name":"foo-group","hostSelectors":[{"label":"foo","operator":"EQUALS","operand":"bar"},'
    + '{"label":"baz","operator":"EQUALS","operand":"qux"}]}\n');
  t.is(created.stdout, '{"status":"CREATED"}\n');

  const again = await helios(m, ['create-deployment-group', '-q', 'foo-group', 'foo=bar', 'baz=qux']);
  t.is(again.code, 0, again.stderr);
  t.is(again.stderr, '');
  t.is(again.stdout, '{"status":"NOT_MODIFIED"}\n');

  const conflict = await helios(m, ['create-deployment-group', 'foo-group', 'foo=bar']);
  t.is(conflict.code, 1);
  t.regex(conflict.stderr, /helios: .*foo-group/);
  const conflictJson = await helios(m, ['create-deployment-group', '--json', 'foo-group', 'foo=other']);
  t.is(conflictJson.code, 1);
  t.is(conflictJson.json<{ status: string }>().status, 'DEPLOYMENT_GROUP_EXISTS');
  t.deepEqual((await m.client.deploymentGroups.get('foo-group')).hostSelectors.map((s) => s.label), ['foo', 'baz']);
});

test("create-deployment-group: selectors with in/notin; a bad one is refused naming it, and nothing is created", async (t) => {
  const m = await master(t);
  const ok = await helios(m, ['create-deployment-group', '--json', 'g', 'dc in (lon, ams)', 'pool!=canary', 'role notin ()']);
  t.is(ok.code, 0, ok.stderr);
  t.deepEqual(ok.json(), { status: 'CREATED' });
  t.deepEqual((await m.client.deploymentGroups.get('g')).hostSelectors, [
    { label: 'dc', operator: 'IN', operand: ['lon', 'ams'] }, { label: 'pool', operator: 'NOT_EQUALS', operand: 'canary' },
    { label: 'role', operator: 'NOT_IN', operand: [] },
  ]);
  const bad = await helios(m, ['create-deployment-group', 'h', 'role==web']);
  t.is(bad.code, 1);
  t.regex(bad.stderr, /invalid host selector "role==web"/);
  const none = await helios(m, ['create-deployment-group', 'h']);
  t.is(none.code, 1);
  t.regex(none.stderr, /missing arguments: usage: helios create-deployment-group NAME SELECTOR…/);
  const badName = await helios(m, ['create-deployment-group', 'no/slash', 'a=b']);
  t.is(badName.code, 1);
  t.deepEqual(await m.client.deploymentGroups.list(), ['g']);
});

test('DeploymentGroupTest.testListDeploymentGroups: names sorted, one a line or a JSON array', async (t) => {
  const m = await master(t);
  await helios(m, ['create-deployment-group', 'group2', 'foo=bar']);
  await helios(m, ['create-deployment-group', 'group1', 'foo=bar']);
  t.deepEqual((await helios(m, ['list-deployment-groups', '--json'])).json(), ['group1', 'group2']);
  t.is((await helios(m, ['list-deployment-groups'])).stdout, 'group1\ngroup2\n');
});

// --- inspect, status, stop, remove

test('inspect-deployment-group (DeploymentGroupInspectCommandTest): the group before and after a rolling update; unknown exits 1', async (t) => {
  const m = await master(t);
  await helios(m, ['create-deployment-group', 'foo-group', 'foo=bar', 'baz=qux']);
  const before = await helios(m, ['inspect-deployment-group', 'foo-group']);
  t.is(before.code, 0, before.stderr);
  t.is(before.stdout, 'Name: foo-group\nHost selectors:\n  foo = bar\n  baz = qux\nJob: null\n');

  const id = await job(m, { id: 'foo-job:0.1.0', rolloutOptions: { timeout: 456 } });
  const rolled = await helios(m, ['rolling-update', '--async', '--token', 'my_token', '-p', '2', 'foo-job', 'foo-group']);
  t.is(rolled.code, 0, rolled.stderr);
  const after = await helios(m, ['inspect-deployment-group', 'foo-group']);
  t.is(after.stdout, ['Name: foo-group', 'Host selectors:', '  foo = bar', '  baz = qux', `Job: ${id}`, 'Rolling update reason: MANUAL',
    'Rollout options:', '  Migrate: false', '  Overlap: false', '  Parallelism: 2', '  Timeout: 456', '  Token: my_token',
    '  Ignore failures: false', '  Auto revert: false', '  Min healthy seconds: 0', ''].join('\n'));
  t.like((await helios(m, ['inspect-deployment-group', '--json', 'foo-group'])).json(), {
    name: 'foo-group', jobId: id, rollingUpdateReason: 'MANUAL', rolloutOptions: { parallelism: 2, timeout: 456, token: 'my_token' },
  });

  const unknown = await helios(m, ['inspect-deployment-group', 'nope']);
  t.is(unknown.code, 1);
  t.regex(unknown.stderr, /^helios: Unknown deployment group: nope/);
  const unknownJson = await helios(m, ['inspect-deployment-group', '--json', 'nope']);
  t.is(unknownJson.code, 1);
  t.is(unknownJson.json<{ status: string }>().status, 'DEPLOYMENT_GROUP_NOT_FOUND');
});

test('DeploymentGroupTest.testStatusNoRollingUpdate: IDLE, no job; the text lists the UP members, in order', async (t) => {
  const m = await master(t);
  await helios(m, ['create-deployment-group', '--json', 'my_group', 'foo=bar', 'baz=qux']);
  t.is((await helios(m, ['deployment-group-status', '--json', 'my_group'])).json<DeploymentGroupStatusResponse>().status, 'IDLE');
  await upHost(t, m, 'host10', { foo: 'bar', baz: 'qux' });
  await upHost(t, m, 'host2', { foo: 'bar', baz: 'qux' });
  await upHost(t, m, 'other', { foo: 'bar' });
  const text = await waitFor(async () => {
    const r = await helios(m, ['deployment-group-status', 'my_group']);
    return r.stdout.includes('host10') ? r : undefined;
  }, { timeoutMs: 10_000, message: 'both members in the status' });
  t.is(text.code, 0, text.stderr);
  t.is(text.stdout, ['Name: my_group', 'Job Id: null', 'Status: IDLE', 'Host selectors:', '  foo = bar', '  baz = qux', '',
    'HOST     UP-TO-DATE   JOB   STATE', 'host2                 -     -', 'host10                -     -', ''].join('\n'));
  const unknown = await helios(m, ['deployment-group-status', 'nope']);
  t.is(unknown.code, 1);
  t.regex(unknown.stderr, /^helios: Unknown deployment group: nope/);
});

test('DeploymentGroupTest.testStopDeploymentGroup and testStopDeploymentGroupGroupNotFound', async (t) => {
  const m = await master(t);
  await helios(m, ['create-deployment-group', '--json', 'my_group', 'foo=bar', 'baz=qux']);
  await helios(m, ['create', 'my_job:2', 'my_image']);
  const stopped = await helios(m, ['stop-deployment-group', 'my_group']);
  t.is(stopped.code, 0, stopped.stderr);
  t.is(stopped.stdout, 'Deployment-group my_group stopped\n');
  const status = (await helios(m, ['deployment-group-status', '--json', 'my_group'])).json<DeploymentGroupStatusResponse>();
  t.is(status.status, 'FAILED');
  t.is(status.error, 'Stopped by user');
  t.like((await helios(m, ['stop-deployment-group', '--json', 'my_group'])).json(), { name: 'my_group', status: 'STOPPED' });

  const missing = await helios(m, ['stop-deployment-group', 'nope']);
  t.is(missing.code, 1);
  t.regex(missing.stderr, /^helios: Deployment-group nope not found/);
});

test('remove-deployment-group (DeploymentGroupRemoveCommandTest, testRemoveDeploymentGroupInactive): removed, then not found', async (t) => {
  const m = await master(t);
  await helios(m, ['create-deployment-group', '--json', 'my_group', 'foo=bar']);
  // Helios' system test rolls out a job that does not exist first: refused, and the group stays.
  const unknownJob = await helios(m, ['rolling-update', '--async', '--migrate', 'nojob:1', 'my_group']);
  t.is(unknownJob.code, 1);
  t.regex(unknownJob.stderr, /nojob/);
  const removed = await helios(m, ['remove-deployment-group', 'my_group']);
  t.is(removed.code, 0, removed.stderr);
  t.is(removed.stdout, 'Deployment-group my_group removed\n');
  const again = await helios(m, ['remove-deployment-group', 'my_group']);
  t.is(again.code, 1);
  t.regex(again.stderr, /^helios: Failed to remove deployment-group my_group, status: DEPLOYMENT_GROUP_NOT_FOUND/);
  t.deepEqual((await helios(m, ['remove-deployment-group', '--json', 'x'])).json<{ status: string }>().status, 'DEPLOYMENT_GROUP_NOT_FOUND');
  await helios(m, ['create-deployment-group', 'g2', 'a=b']);
  t.deepEqual((await helios(m, ['remove-deployment-group', '--json', 'g2'])).json(), { status: 'REMOVED' });
  t.deepEqual(await m.client.deploymentGroups.list(), []);
});

// --- rolling-update (RollingUpdateCommandTest)

test('DeploymentGroupTest.testRollingUpdateGroupNotFound: --json --async says DEPLOYMENT_GROUP_NOT_FOUND, exit 1', async (t) => {
  const m = await master(t);
  await helios(m, ['create-deployment-group', '--json', 'my_group', 'foo=bar', 'baz=qux']);
  await helios(m, ['create', 'my_job:2', 'my_image']);
  const r = await helios(m, ['rolling-update', '--json', '--async', 'my_job:2', 'oops']);
  t.is(r.code, 1);
  t.is(r.json<{ status: string }>().status, 'DEPLOYMENT_GROUP_NOT_FOUND');
});

test("testRollingUpdateAsync: the options printed are the master's, each flag else the job's else the default", async (t) => {
  const m = await master(t);
  await helios(m, ['create-deployment-group', 'my_group', 'foo=bar']);
  const id = await job(m, { id: 'foo:2', rolloutOptions: { parallelism: 123, timeout: 456, migrate: true, overlap: true, token: 'my_token_from_job_options', ignoreFailures: true } });
  const r = await helios(m, ['rolling-update', '--async', '-p', '1', '-t', '300', '--token', 'my_token', 'foo:2', 'my_group']);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, '');
  t.is(r.stderr, `Rolling update (async) started: my_group -> ${id.slice(0, 'foo:2:'.length + 7)} (parallelism=1, timeout=300, overlap=true, `
    + 'token=my_token, ignoreFailures=true, migrate=true, autoRevert=false, minHealthySeconds=0)\n');

  const json = await helios(m, ['rolling-update', '--async', '--json', '--par', '3', 'foo:2', 'my_group']);
  t.is(json.code, 0, json.stderr);
  t.like(json.json(), { status: 'OK', parallelism: 3, timeout: 456, overlap: true, token: 'my_token_from_job_options', ignoreFailures: true, migrate: true });
});

test('rolling-update refuses bad flag values before asking the master', async (t) => {
  const m = await master(t);
  await helios(m, ['create-deployment-group', 'my_group', 'foo=bar']);
  await job(m, { id: 'foo:2' });
  for (const [args, message] of [
    [['-p', '0'], "--par must be a positive whole number, got '0'"],
    [['--parallelism', 'x'], "--parallelism must be a positive whole number, got 'x'"],
    [['-t', '0'], "--timeout must be a positive whole number, got '0'"],
    [['-T', '0'], "--rollout-timeout must be a positive number of minutes, got '0'"],
    [['--min-healthy-seconds', '1.5'], "--min-healthy-seconds must be a whole number of seconds (0 or more), got '1.5'"],
  ] as const) {
    const r = await helios(m, ['rolling-update', ...args, 'foo:2', 'my_group']);
    t.is(r.code, 1, args.join(' '));
    t.is(r.stderr.trim(), `helios: ${message}`);
  }
  t.is((await m.client.deploymentGroups.get('my_group')).jobId, undefined);
});

test('testRollingUpdate: blocks, prints each host as it runs the job, in the group\'s order, then Done. and the duration', async (t) => {
  const m = await master(t);
  for (const host of ['host1', 'host2', 'host3']) await upHost(t, m, host, { foo: 'bar' });
  await helios(m, ['create-deployment-group', 'my_group', 'foo=bar']);
  const id = await job(m, { id: 'foo:2' });
  const run = helios(m, ['rolling-update', 'foo:2', 'my_group']);
  for (const host of ['host1', 'host2', 'host3']) {
    await deployedOn(m, host, id);
    await reportRunning(m, host, id);
  }
  const r = await run;
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /^Rolling update started: my_group -> foo:2:[0-9a-f]{7} \(parallelism=1, timeout=300, overlap=false, token=, ignoreFailures=false, migrate=false, autoRevert=false, minHealthySeconds=0\)\n$/);
  t.regex(r.stdout, /^host1 -> RUNNING \(1\/3\)\nhost2 -> RUNNING \(2\/3\)\nhost3 -> RUNNING \(3\/3\)\n\nDone\.\nDuration: \d+\.\d\d s\n$/);
  const status = await m.client.deploymentGroups.status('my_group');
  t.is(status.status, 'ACTIVE');
  t.deepEqual(status.hostStatuses.map((h) => [h.host, h.jobId, h.state]), [['host1', id, 'RUNNING'], ['host2', id, 'RUNNING'], ['host3', id, 'RUNNING']]);

  const text = await helios(m, ['deployment-group-status', '--history', 'my_group']);
  t.is(text.code, 0, text.stderr);
  t.regex(text.stdout, /^Name: my_group\nJob Id: foo:2:[0-9a-f]{7}\nStatus: ACTIVE\n/);
  t.regex(text.stdout, /\nHistory:\nRollout \d+: foo:2:[0-9a-f]{7} \(MANUAL, by [^)]+\), started [-\d: .]+ UTC: DONE after \d+\.\d\d s\n/);
  t.regex(text.stdout, /\n {2}host1 +UPDATE +DONE .*\n {2}host2 +UPDATE +DONE .*\n {2}host3 +UPDATE +DONE /);
  const history = (await helios(m, ['deployment-group-status', '--history', '--json', 'my_group'])).json<{ history: Array<{ outcome: string; hosts: unknown[] }> }>();
  t.is(history.history[0].outcome, 'DONE');
  t.is(history.history[0].hosts.length, 3);
});

test('testRollingUpdateJson: {status: DONE, duration, the options}', async (t) => {
  const m = await master(t);
  await upHost(t, m, 'host1', { foo: 'bar' });
  await helios(m, ['create-deployment-group', 'my_group', 'foo=bar']);
  const id = await job(m, { id: 'foo:2' });
  const run = helios(m, ['rolling-update', '--json', '--token', 'my_token', 'foo:2', 'my_group']);
  await deployedOn(m, 'host1', id);
  await reportRunning(m, 'host1', id);
  const r = await run;
  t.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Record<string, unknown>;
  t.like(out, { status: 'DONE', parallelism: 1, timeout: 300, overlap: false, token: 'my_token', ignoreFailures: false, migrate: false, reverted: false });
  t.is(typeof out.duration, 'number');
  t.is(r.stderr, '');
});

test('testRollingUpdateFailed: a stop during the rollout is Failed: Stopped by user, exit 1', async (t) => {
  const m = await master(t);
  await upHost(t, m, 'host1', { foo: 'bar' });
  await upHost(t, m, 'host2', { foo: 'bar' });
  await helios(m, ['create-deployment-group', 'my_group', 'foo=bar']);
  const id = await job(m, { id: 'foo:2' });
  const run = helios(m, ['rolling-update', 'foo:2', 'my_group']);
  await deployedOn(m, 'host1', id);
  await reportRunning(m, 'host1', id);
  await deployedOn(m, 'host2', id);
  t.is((await helios(m, ['stop-deployment-group', 'my_group'])).code, 0);
  const r = await run;
  t.is(r.code, 1);
  t.regex(r.stdout, /^host1 -> RUNNING \(1\/2\)\n\nFailed: Stopped by user\nDuration: \d+\.\d\d s\n$/);
});

test('testRollingUpdateFailsIfJobIdChangedDuringRollout: another rolling-update replaces this one, exit 1', async (t) => {
  const m = await master(t);
  await upHost(t, m, 'host1', { foo: 'bar' });
  await helios(m, ['create-deployment-group', 'my_group', 'foo=bar']);
  const first = await job(m, { id: 'foo:2' });
  await job(m, { id: 'foo:3' });
  const run = helios(m, ['rolling-update', '--json', 'foo:2', 'my_group']);
  await deployedOn(m, 'host1', first);
  t.is((await helios(m, ['rolling-update', '--async', 'foo:3', 'my_group'])).code, 0);
  const r = await run;
  t.is(r.code, 1);
  t.like(JSON.parse(r.stdout), { status: 'FAILED' });
  t.regex((JSON.parse(r.stdout) as { error: string }).error, /.+/);
});

test('testRollingUpdateFailsOnRolloutTimeout: -T passes while a host is not RUNNING: Timed out!, exit 1, the rollout goes on', async (t) => {
  const m = await master(t);
  await upHost(t, m, 'host1', { foo: 'bar' });
  await helios(m, ['create-deployment-group', 'my_group', 'foo=bar']);
  await job(m, { id: 'foo:2' });
  const r = await helios(m, ['rolling-update', '-T', '0.02', 'foo:2', 'my_group']);
  t.is(r.code, 1);
  t.regex(r.stdout, /^\nTimed out! \(rolling-update still in progress\)\nDuration: \d+\.\d\d s\n$/);
  t.is((await m.client.deploymentGroups.status('my_group')).status, 'ROLLING_OUT');
  const json = await helios(m, ['rolling-update', '--json', '-T', '0.02', 'foo:2', 'my_group']);
  t.is(json.code, 1);
  t.like(json.json(), { status: 'TIMEOUT' });
});

test('watch-deployment-group prints a dated status block every --interval; -f full ids; it ends when the group is removed', async (t) => {
  const m = await master(t);
  await helios(m, ['create-deployment-group', 'my_group', 'foo=bar']);
  let removing: Promise<unknown> | undefined;
  const r = await helios(m, ['watch-deployment-group', '--interval', '0.2', '-f', 'my_group'], {
    // Removed once two blocks are out: the next look finds it gone.
    onStdout: (soFar) => { if (!removing && soFar.split('\nName: ').length > 2) removing = m.client.deploymentGroups.remove('my_group'); },
  });
  await removing;
  t.is(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  t.is(lines[0], 'Control-C to stop');
  t.regex(lines[1], /^-{54} \[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\]$/);
  t.is(lines[1].length, 80);
  t.deepEqual(lines.slice(2, 9), ['Name: my_group', 'Job Id: null', 'Status: IDLE', 'Host selectors:', '  foo = bar', '', 'HOST   UP-TO-DATE   JOB   STATE']);
  t.true(lines.filter((line) => line.startsWith('-----')).length >= 2, r.stdout);
  t.is(r.stderr, 'Deployment group my_group removed\n');

  const unknown = await helios(m, ['watch-deployment-group', 'nope']);
  t.is(unknown.code, 1);
  t.regex(unknown.stderr, /Unknown deployment group: nope/);
});

test('ours: rolling-update --overlap of a job with a static host port is refused up front, naming the port', async (t) => {
  const m = await master(t);
  await upHost(t, m, 'host1', { foo: 'bar' });
  await helios(m, ['create-deployment-group', 'my_group', 'foo=bar']);
  await job(m, { id: 'web:1', ports: { http: { internalPort: 8080, externalPort: 18080 } } });
  const r = await helios(m, ['rolling-update', '--overlap', 'web:1', 'my_group']);
  t.is(r.code, 1);
  t.regex(r.stderr, /18080/);
  const json = await helios(m, ['rolling-update', '--json', '--overlap', 'web:1', 'my_group']);
  t.is(json.json<{ status: string }>().status, 'PORT_CONFLICT');
  t.is((await m.client.deploymentGroups.get('my_group')).jobId, undefined);
  t.is((await m.client.deploymentGroups.status('my_group')).status, 'IDLE');
});

test('rolling-update to a group whose every member is DOWN: nothing to do, Done. at once (as Helios, whose planner skips DOWN hosts)', async (t) => {
  const m = await startTestMaster({ downAfterMs: 1_000 });
  t.teardown(m.close);
  for (const host of ['host1', 'host2']) {
    await m.client.hosts.register(host, `agent-${host}`);
    await m.client.agents.heartbeat(host, heartbeatBody(`agent-${host}`, { labels: { foo: 'bar' } }));
  }
  await waitFor(async () => (await Promise.all(['host1', 'host2'].map((h) => m.client.hosts.status(h)))).every((s) => s.status === 'DOWN') || undefined,
    { timeoutMs: 30_000, message: 'both hosts DOWN' });
  await helios(m, ['create-deployment-group', 'my_group', 'foo=bar']);
  const id = await job(m, { id: 'foo:2' });
  const r = await helios(m, ['rolling-update', 'foo:2', 'my_group']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^\nDone\.\nDuration: \d+\.\d\d s\n$/);
  const status = await m.client.deploymentGroups.status('my_group');
  t.like(status, { status: 'ACTIVE', hostStatuses: [], deploymentGroup: { jobId: id } });
  t.deepEqual((await m.client.deploymentGroups.history('my_group')).rollouts[0].hosts, []);
});
