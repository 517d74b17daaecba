/**
 * Deployment groups on a real master (each test on SQLite and on PostgreSQL), with
 * the test playing the agents over the agent protocol: each fake agent heartbeats with its labels and
 * reports RUNNING (or what a test says) for every task the master desires on it. The real-Docker
 * rollouts are in test/rollingUpdate.test.ts.
 */
import test, { type ExecutionContext } from 'ava';
import { buildJob, type DeploymentGroupStatusResponse, type JobSpec, type TaskStatus, type ThrottleState } from '../core/index.js';
import { expectError, heartbeatBody, masterWithHosts, startTestMaster, type TestMaster } from './harness/master.js';
import { ENGINES } from './harness/engines.js';
import { createTestDatabase } from './harness/postgres.js';
import { sample, scrape } from './harness/prometheus.js';

const web = [{ label: 'role', operator: 'EQUALS' as const, operand: 'web' }];

interface FakeFleet {
  /** Labels of each host; change them and the next heartbeat says so. */
  labels: Record<string, Record<string, string>>;
  /** What a host reports for a job (default RUNNING). */
  report: (host: string, jobId: string) => { state: TaskStatus['state']; throttled?: ThrottleState };
  /** Hosts that stop heartbeating and reporting. */
  down: Set<string>;
  /** The most jobs each host was asked to run at once. */
  mostAtOnce: Record<string, number>;
  stop(): void;
}

/** Agents for `hosts`, every 25 ms: a heartbeat, then RUNNING for each desired task, removal of the others. */
function fakeFleet(t: ExecutionContext, m: TestMaster, hosts: string[], labels: Record<string, string> = { role: 'web' }): FakeFleet {
  const fleet: FakeFleet = {
    labels: Object.fromEntries(hosts.map((h) => [h, { ...labels }])),
    report: () => ({ state: 'RUNNING' }),
    down: new Set(),
    mostAtOnce: {},
    stop: () => { stopped = true; },
  };
  let stopped = false;
  const reported = new Map<string, Set<string>>();
  const last = new Map<string, string>();
  const tick = async () => {
    for (const host of hosts) {
      if (fleet.down.has(host)) continue;
      const agentId = `id-${host}`;
      await m.client.agents.heartbeat(host, heartbeatBody(agentId, { labels: fleet.labels[host] }));
      const desired = await m.client.agents.tasks(host, 0, 0, { agentId });
      const had = reported.get(host) ?? new Set();
      const now = new Set(desired.tasks.map((task) => task.jobId));
      fleet.mostAtOnce[host] = Math.max(fleet.mostAtOnce[host] ?? 0, now.size);
      // As a real agent: a status only when it changed.
      const updates = desired.tasks.flatMap((task) => {
        const { state, throttled = 'NO' } = fleet.report(host, task.jobId);
        const status = { jobId: task.jobId, goal: task.goal, state, containerId: 'c', throttled, ports: {}, env: {}, containerError: null } as TaskStatus;
        const key = `${host} ${task.jobId}`;
        if (last.get(key) === `${state} ${throttled}`) return [];
        last.set(key, `${state} ${throttled}`);
        return [{ status, timestamp: Date.now() }];
      });
      for (const id of had) if (!now.has(id)) last.delete(`${host} ${id}`);
      await m.client.agents.reportStatuses(host, { id: agentId, updates, removed: [...had].filter((id) => !now.has(id)) });
      reported.set(host, now);
    }
  };
  void (async () => {
    while (!stopped) {
      await tick().catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  t.teardown(() => fleet.stop());
  return fleet;
}

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const settled = (s: DeploymentGroupStatusResponse) => s.status !== 'ROLLING_OUT';

async function createJob(m: TestMaster, spec: Partial<JobSpec>): Promise<string> {
  return (await m.client.jobs.create({ ...spec, image: spec.image ?? 'busybox:latest' })).id;
}

/** Every host UP with its labels heard. */
async function allUp(m: TestMaster, hosts: string[]): Promise<void> {
  await until('hosts UP with labels', () => Promise.all(hosts.map((h) => m.client.hosts.status(h))),
    (statuses) => statuses.every((s) => s.status === 'UP' && Object.keys(s.labels).length > 0));
}

for (const engine of ENGINES) {
  test(`${engine}: create, list, inspect and remove a group: NOT_MODIFIED for the same selectors, 409 for others, 404 for none`, async (t) => {
    const m = await masterWithHosts(t, ['h1', 'h2'], { engine });
    t.deepEqual(await m.client.deploymentGroups.create({ name: 'web', hostSelectors: web }), { status: 'CREATED' });
    t.deepEqual(await m.client.deploymentGroups.create({ name: 'web', hostSelectors: web }), { status: 'NOT_MODIFIED' });
    await expectError(t, m.client.deploymentGroups.create({ name: 'web', hostSelectors: [{ label: 'role', operator: 'EQUALS', operand: 'api' }] }), 'DEPLOYMENT_GROUP_EXISTS');
    await expectError(t, m.client.deploymentGroups.create({ name: 'bad/name', hostSelectors: web }), 'INVALID_REQUEST');
    await m.client.deploymentGroups.create({ name: 'api', hostSelectors: web });
    t.deepEqual(await m.client.deploymentGroups.list(), ['api', 'web']);
    t.deepEqual(await m.client.deploymentGroups.get('web'), { name: 'web', hostSelectors: web });
    t.like(await m.client.deploymentGroups.status('web'), { status: 'IDLE', error: '', hostStatuses: [], deploymentGroupStatus: null, reverted: false, rollout: null });
    t.deepEqual(await m.client.deploymentGroups.remove('web'), { status: 'REMOVED' });
    await expectError(t, m.client.deploymentGroups.get('web'), 'DEPLOYMENT_GROUP_NOT_FOUND');
    await expectError(t, m.client.deploymentGroups.remove('web'), 'DEPLOYMENT_GROUP_NOT_FOUND');
    await expectError(t, m.client.deploymentGroups.status('web'), 'DEPLOYMENT_GROUP_NOT_FOUND');
    await expectError(t, m.client.deploymentGroups.stop('web'), 'DEPLOYMENT_GROUP_NOT_FOUND');
    const job = await createJob(m, { id: 'app:1' });
    await expectError(t, m.client.deploymentGroups.rollingUpdate('web', { job }), 'DEPLOYMENT_GROUP_NOT_FOUND');
    await expectError(t, m.client.deploymentGroups.rollingUpdate('api', { job: `nope:1:${'a'.repeat(40)}` }), 'JOB_NOT_FOUND');
    await expectError(t, m.client.deploymentGroups.rollingUpdate('api', { job, rolloutOptions: { parallelism: 0 } }), 'INVALID_REQUEST');
  });

  test(`${engine}: Helios' wire format: a refusal is 200 with Helios' status, and null rollout options are unset`, async (t) => {
    const m = await masterWithHosts(t, ['h1'], { engine });
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${m.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'Helios-Version': '0.9.282' }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.json() as Record<string, unknown> };
    };
    t.like(await post('/deployment-group/', { name: 'g', hostSelectors: web }), { status: 200, body: { status: 'CREATED' } });
    t.like(await post('/deployment-group/', { name: 'g', hostSelectors: [] }), { status: 200, body: { status: 'CONFLICT' } });
    const removed = await fetch(`${m.url}/deployment-group/nope`, { method: 'DELETE', headers: { 'Helios-Version': '0.9.282' } });
    t.is(removed.status, 200);
    t.like(await removed.json(), { status: 'DEPLOYMENT_GROUP_NOT_FOUND' });
    t.like(await post('/deployment-group/nope/rolling-update', { job: 'x:1' }), { status: 200, body: { status: 'DEPLOYMENT_GROUP_NOT_FOUND' } });
    t.like(await post('/deployment-group/g/rolling-update', { job: `x:1:${'b'.repeat(40)}` }), { status: 200, body: { status: 'JOB_NOT_FOUND' } });
    const job = await createJob(m, { id: 'app:1' });
    const started = await post('/deployment-group/g/rolling-update', { job, rolloutOptions: { timeout: null, parallelism: '2', overlap: null, migrate: 'false' } });
    t.like(started, { status: 200, body: { status: 'OK' } });
    t.like((await m.client.deploymentGroups.get('g')).rolloutOptions, { parallelism: 2, timeout: 300, overlap: false, migrate: false });
  });

  test(`${engine}: parallelism 1: hosts one after another, each RUNNING before the next starts; the history says who, what and how long`, async (t) => {
    const hosts = ['h1', 'h2', 'h10'];
    const m = await masterWithHosts(t, hosts, { engine });
    fakeFleet(t, m, hosts);
    const v1 = await createJob(m, { id: 'app:1' });
    await allUp(m, hosts);
    // Created and rolled out at once: the members are already known (Helios planned none here).
    await m.client.deploymentGroups.create({ name: 'web', hostSelectors: web });
    const started = await m.client.deploymentGroups.rollingUpdate('web', { job: v1 });
    t.like(started, { status: 'OK', jobId: v1, rolloutOptions: { parallelism: 1, timeout: 300, minHealthySeconds: 0, autoRevert: false } });
    const done = await until('rollout', () => m.client.deploymentGroups.status('web'), settled);
    t.is(done.status, 'ACTIVE', done.error);
    t.deepEqual(done.hostStatuses, hosts.map((host) => ({ host, jobId: v1, state: 'RUNNING' })));
    const [rollout] = (await m.client.deploymentGroups.history('web')).rollouts;
    t.like(rollout, { id: started.rolloutId, jobId: v1, previousJobId: null, reason: 'MANUAL', outcome: 'DONE', error: null, reverted: false });
    t.is(typeof rollout.startedBy, 'string');
    // Group order: h1, h2, h10 (digits by value); strictly one after another.
    t.deepEqual(rollout.hosts.map((h) => [h.host, h.phase, h.result]), hosts.map((h) => [h, 'UPDATE', 'DONE']));
    for (let i = 1; i < rollout.hosts.length; i++) t.true(rollout.hosts[i].started >= rollout.hosts[i - 1].finished!, JSON.stringify(rollout.hosts));
    t.true(rollout.finished! >= rollout.started);
    const deployment = await m.client.deployments.get('h1', v1);
    t.like(deployment, { owner: 'group:web', deploymentGroupName: 'web' });
  });

  test(`${engine}: parallelism 2: two hosts at a time`, async (t) => {
    const hosts = ['a1', 'a2', 'a3', 'a4'];
    const m = await masterWithHosts(t, hosts, { engine });
    fakeFleet(t, m, hosts);
    const v1 = await createJob(m, { id: 'app:1' });
    await allUp(m, hosts);
    await m.client.deploymentGroups.create({ name: 'web', hostSelectors: web });
    await m.client.deploymentGroups.rollingUpdate('web', { job: v1, rolloutOptions: { parallelism: 2 } });
    const done = await until('rollout', () => m.client.deploymentGroups.status('web'), settled);
    t.is(done.status, 'ACTIVE', done.error);
    const [rollout] = (await m.client.deploymentGroups.history('web')).rollouts;
    const [h1, h2, h3, h4] = rollout.hosts;
    // a1 and a2 start before either is done; a3 and a4 only after both are.
    t.true(h2.started <= h1.finished! && h1.started <= h2.finished!);
    t.true(h3.started >= Math.max(h1.finished!, h2.finished!) && h4.started >= Math.max(h1.finished!, h2.finished!));
  });

  test(`${engine}: a missing image fails the rollout at once; with autoRevert the touched hosts get the previous job again and the group says reverted; GET /metrics counts each outcome`, async (t) => {
    const hosts = ['h1', 'h2', 'h3'];
    const m = await masterWithHosts(t, hosts, { engine });
    const fleet = fakeFleet(t, m, hosts);
    const v1 = await createJob(m, { id: 'app:1' });
    const v2 = await createJob(m, { id: 'app:2', image: 'busybox:missing' });
    fleet.report = (_host, jobId) => (jobId === v2 ? { state: 'PULLING_IMAGE', throttled: 'IMAGE_MISSING' } : { state: 'RUNNING' });
    await allUp(m, hosts);
    await m.client.deploymentGroups.create({ name: 'web', hostSelectors: web });
    await m.client.deploymentGroups.rollingUpdate('web', { job: v1 });
    t.is((await until('v1', () => m.client.deploymentGroups.status('web'), settled)).status, 'ACTIVE');

    const began = Date.now();
    await m.client.deploymentGroups.rollingUpdate('web', { job: v2, rolloutOptions: { autoRevert: true } });
    const failed = await until('v2 rollout', () => m.client.deploymentGroups.status('web'), settled);
    // Failed by the missing image, not by the step's 300 s timeout (how fast is bench/pullFailure's).
    t.true(Date.now() - began < 60_000, `${Date.now() - began} ms, not the 300 s timeout`);
    t.is(failed.status, 'FAILED');
    t.true(failed.reverted);
    t.regex(failed.error, new RegExp(`^h1: job ${v2} cannot reach state RUNNING due to missing Docker image \\(terminal job state PULLING_IMAGE, previous states: .*PULLING_IMAGE\\)$`));
    t.is(failed.deploymentGroup.jobId, v1);
    t.deepEqual(failed.hostStatuses, hosts.map((host) => ({ host, jobId: v1, state: 'RUNNING' })));
    const [rollout] = (await m.client.deploymentGroups.history('web')).rollouts;
    t.like(rollout, { jobId: v2, previousJobId: v1, outcome: 'FAILED', errorCode: 'IMAGE_MISSING', reverted: true });
    t.deepEqual(rollout.hosts.map((h) => [h.host, h.phase, h.result]), [['h1', 'UPDATE', 'FAILED'], ['h1', 'REVERT', 'DONE']]);

    // Without autoRevert the group fails and stays so.
    await m.client.deploymentGroups.rollingUpdate('web', { job: v2 });
    const plain = await until('v2 again', () => m.client.deploymentGroups.status('web'), settled);
    t.like(plain, { status: 'FAILED', reverted: false });

    const { text } = await scrape(m.url);
    t.is(sample(text, 'helios_rollouts_started_total{group="web",reason="MANUAL"}'), 3);
    t.is(sample(text, 'helios_rollouts_finished_total{group="web",outcome="DONE",reverted="false"}'), 1);
    t.is(sample(text, 'helios_rollouts_finished_total{group="web",outcome="FAILED",reverted="true"}'), 1);
    t.is(sample(text, 'helios_rollouts_finished_total{group="web",outcome="FAILED",reverted="false"}'), 1);
    // v1 on 3 hosts and the revert on h1 reached RUNNING; v2 on h1 failed twice.
    t.is(sample(text, 'helios_rollout_step_seconds_count{action="AWAIT_RUNNING",result="DONE"}'), 4);
    t.is(sample(text, 'helios_rollout_step_seconds_count{action="AWAIT_RUNNING",result="FAILED"}'), 2);
  });

  test(`${engine}: overlap: the new job runs beside the old one before the old one goes; without it never both`, async (t) => {
    const hosts = ['h1', 'h2'];
    const m = await masterWithHosts(t, hosts, { engine });
    const fleet = fakeFleet(t, m, hosts);
    await allUp(m, hosts);
    await m.client.deploymentGroups.create({ name: 'web', hostSelectors: web });
    await m.client.deploymentGroups.rollingUpdate('web', { job: await createJob(m, { id: 'app:1' }) });
    await until('v1', () => m.client.deploymentGroups.status('web'), settled);
    const v2 = await createJob(m, { id: 'app:2' });
    await m.client.deploymentGroups.rollingUpdate('web', { job: v2 });
    t.is((await until('v2', () => m.client.deploymentGroups.status('web'), settled)).status, 'ACTIVE');
    t.deepEqual(fleet.mostAtOnce, { h1: 1, h2: 1 });
    const v3 = await createJob(m, { id: 'app:3' });
    await m.client.deploymentGroups.rollingUpdate('web', { job: v3, rolloutOptions: { overlap: true } });
    const done = await until('v3', () => m.client.deploymentGroups.status('web'), settled);
    t.is(done.status, 'ACTIVE', done.error);
    t.deepEqual(fleet.mostAtOnce, { h1: 2, h2: 2 });
    t.deepEqual(done.hostStatuses.map((h) => h.jobId), [v3, v3]);
    t.deepEqual(Object.keys((await m.client.jobs.status(v2)).deployments), []);
  });

  test(`${engine}: a job deployed by hand: the rollout fails with JOB_ALREADY_DEPLOYED; with migrate the group takes it over`, async (t) => {
    const m = await masterWithHosts(t, ['h1'], { engine });
    fakeFleet(t, m, ['h1']);
    await allUp(m, ['h1']);
    const v1 = await createJob(m, { id: 'app:1' });
    await m.client.deployments.deploy('h1', v1);
    await m.client.deploymentGroups.create({ name: 'web', hostSelectors: web });
    await m.client.deploymentGroups.rollingUpdate('web', { job: v1 });
    const refused = await until('rollout', () => m.client.deploymentGroups.status('web'), settled);
    t.like(refused, { status: 'FAILED', error: 'h1: job was already deployed, either manually or by a different deployment group' });
    t.like((await m.client.deploymentGroups.history('web')).rollouts[0], { errorCode: 'JOB_ALREADY_DEPLOYED' });
    t.like(await m.client.deployments.get('h1', v1), { owner: 'cli' });
    await m.client.deploymentGroups.rollingUpdate('web', { job: v1, rolloutOptions: { migrate: true } });
    t.is((await until('migrate', () => m.client.deploymentGroups.status('web'), settled)).status, 'ACTIVE');
    t.like(await m.client.deployments.get('h1', v1), { owner: 'group:web', deploymentGroupName: 'web' });
  });

  test(`${engine}: a step over its timeout (6 s) fails the rollout with Helios' text; ignoreFailures goes on to the next host`, async (t) => {
    const hosts = ['h1', 'h2'];
    const m = await masterWithHosts(t, hosts, { engine });
    const fleet = fakeFleet(t, m, hosts);
    await allUp(m, hosts);
    const slow = await createJob(m, { id: 'app:1' });
    fleet.report = () => ({ state: 'STARTING' });
    await m.client.deploymentGroups.create({ name: 'web', hostSelectors: web });
    const began = Date.now();
    // 6 s: the fake agent's STARTING must arrive within it (else the text is Helios' 'timed out while retrieving job status');
    // at 3 s it once did not, on PostgreSQL in CI.
    await m.client.deploymentGroups.rollingUpdate('web', { job: slow, rolloutOptions: { timeout: 6 } });
    const failed = await until('timeout', () => m.client.deploymentGroups.status('web'), settled, 60_000);
    t.true(Date.now() - began >= 6_000 && Date.now() - began < 60_000, `failed after ${Date.now() - began} ms: at its 6 s timeout, not before`);
    t.is(failed.error, `h1: timed out waiting for job ${slow} to reach state RUNNING (terminal job state STARTING, previous states: STARTING)`);
    t.like((await m.client.deploymentGroups.history('web')).rollouts[0], { errorCode: 'TIMED_OUT_WAITING_FOR_JOB_TO_REACH_RUNNING' });
    await m.client.deploymentGroups.rollingUpdate('web', { job: slow, rolloutOptions: { timeout: 6, ignoreFailures: true } });
    const done = await until('ignored', () => m.client.deploymentGroups.status('web'), settled, 60_000);
    t.is(done.status, 'ACTIVE');
    const [record] = (await m.client.deploymentGroups.history('web')).rollouts;
    t.deepEqual(record.hosts.map((h) => [h.host, h.result, h.errorCode]), [['h1', 'FAILED', 'TIMED_OUT_WAITING_FOR_JOB_TO_REACH_RUNNING'], ['h2', 'FAILED', 'TIMED_OUT_WAITING_FOR_JOB_TO_REACH_RUNNING']]);
  });

  test(`${engine}: a pull that fails (IMAGE_PULL_FAILED) fails the rollout at once too, with the throttle in the text`, async (t) => {
    const m = await masterWithHosts(t, ['h1'], { engine });
    const fleet = fakeFleet(t, m, ['h1']);
    await allUp(m, ['h1']);
    const job = await createJob(m, { id: 'app:1' });
    fleet.report = () => ({ state: 'PULLING_IMAGE', throttled: 'IMAGE_PULL_FAILED' });
    await m.client.deploymentGroups.create({ name: 'web', hostSelectors: web });
    const began = Date.now();
    await m.client.deploymentGroups.rollingUpdate('web', { job });
    const failed = await until('rollout', () => m.client.deploymentGroups.status('web'), settled);
    t.true(Date.now() - began < 60_000, `${Date.now() - began} ms, not the 300 s timeout`);
    t.is(failed.error, `h1: job ${job} cannot reach state RUNNING due to failure pulling Docker image (terminal job state PULLING_IMAGE, previous states: PULLING_IMAGE)`);
    t.like((await m.client.deploymentGroups.history('web')).rollouts[0], { outcome: 'FAILED', errorCode: 'IMAGE_PULL_FAILED', reverted: false });
  });

  test(`${engine}: overlap with static host ports is refused up front, naming the ports`, async (t) => {
    const m = await masterWithHosts(t, ['h1'], { engine });
    await m.client.deploymentGroups.create({ name: 'web', hostSelectors: web });
    const job = await createJob(m, { id: 'app:1', ports: { http: { internalPort: 80, externalPort: 18080 } } });
    const err = await expectError(t, m.client.deploymentGroups.rollingUpdate('web', { job, rolloutOptions: { overlap: true } }), 'PORT_CONFLICT');
    t.regex(err.message, /static host ports \(18080\/tcp\)/);
    t.like(await m.client.deploymentGroups.status('web'), { status: 'IDLE' });
  });

  test(`${engine}: membership follows labels: a host relabelled out is undeployed, back in redeployed (a HOSTS_CHANGED rollout); stop says Stopped by user`, async (t) => {
    const m = await masterWithHosts(t, ['h1', 'h2'], { engine });
    const fleet = fakeFleet(t, m, ['h1', 'h2']);
    const v1 = await createJob(m, { id: 'app:1' });
    await allUp(m, ['h1', 'h2']);
    await m.client.deploymentGroups.create({ name: 'web', hostSelectors: web });
    await m.client.deploymentGroups.rollingUpdate('web', { job: v1 });
    await until('v1', () => m.client.deploymentGroups.status('web'), (s) => s.status === 'ACTIVE');

    fleet.labels.h2 = { role: 'db' };
    await until('h2 undeployed', () => m.client.jobs.status(v1), (s) => Object.keys(s.deployments).join() === 'h1');
    const left = await until('group', () => m.client.deploymentGroups.status('web'), (s) => s.status === 'ACTIVE' && s.hostStatuses.length === 1);
    t.deepEqual(left.hostStatuses.map((h) => h.host), ['h1']);
    fleet.labels.h2 = { role: 'web' };
    await until('h2 redeployed', () => m.client.jobs.status(v1), (s) => Object.keys(s.deployments).sort().join() === 'h1,h2');
    const [latest] = (await m.client.deploymentGroups.history('web')).rollouts;
    t.like(latest, { reason: 'HOSTS_CHANGED', startedBy: 'master' });

    const slow = await createJob(m, { id: 'app:2' });
    fleet.report = (_host, jobId) => ({ state: jobId === slow ? 'STARTING' : 'RUNNING' });
    await m.client.deploymentGroups.rollingUpdate('web', { job: slow });
    await until('rolling', () => m.client.deploymentGroups.status('web'), (s) => s.status === 'ROLLING_OUT');
    await m.client.deploymentGroups.stop('web');
    t.like(await m.client.deploymentGroups.status('web'), { status: 'FAILED', error: 'Stopped by user', rollout: null });
    t.like((await m.client.deploymentGroups.history('web')).rollouts[0], { jobId: slow, outcome: 'STOPPED', error: 'Stopped by user' });
    // GET /metrics counts what the history records (a HOSTS_CHANGED rollout still going when the
    // rolling-update came was STOPPED too, superseded).
    const { text } = await scrape(m.url);
    const { rollouts } = await m.client.deploymentGroups.history('web');
    t.is(sample(text, 'helios_rollouts_started_total{group="web",reason="HOSTS_CHANGED"}'), rollouts.filter((r) => r.reason === 'HOSTS_CHANGED').length);
    t.is(sample(text, 'helios_rollouts_finished_total{group="web",outcome="STOPPED",reverted="false"}'), rollouts.filter((r) => r.outcome === 'STOPPED').length);
  });

  test(`${engine}: a host DOWN during the rollout is caught up when it comes back UP`, async (t) => {
    // DOWN after 3 s of silence: at 1 s a played agent's tick of both hosts, slow on PostgreSQL in CI, let h1 go DOWN too.
    const m = await masterWithHosts(t, ['h1', 'h2'], { engine, downAfterMs: 3_000 });
    const fleet = fakeFleet(t, m, ['h1', 'h2']);
    const v1 = await createJob(m, { id: 'app:1' });
    await allUp(m, ['h1', 'h2']);
    await m.client.deploymentGroups.create({ name: 'web', hostSelectors: web });
    fleet.down.add('h2');
    await until('h2 DOWN', () => m.client.hosts.status('h2'), (s) => s.status === 'DOWN');
    await m.client.deploymentGroups.rollingUpdate('web', { job: v1 });
    const done = await until('v1', () => m.client.deploymentGroups.status('web'), settled);
    t.is(done.status, 'ACTIVE');
    t.deepEqual(Object.keys((await m.client.jobs.status(v1)).deployments), ['h1']);
    fleet.down.delete('h2');
    await until('h2 caught up', () => m.client.jobs.status(v1), (s) => s.taskStatuses.h2?.state === 'RUNNING');
    t.like(await until('group', () => m.client.deploymentGroups.status('web'), (s) => s.hostStatuses.length === 2 && settled(s)), { status: 'ACTIVE' });
  });
}

test('job ids are unchanged by the new rollout options when absent, and a job carries them when given', (t) => {
  const plain = buildJob({ id: 'a:1', image: 'busybox:latest' }).job;
  const withOptions = buildJob({ id: 'a:1', image: 'busybox:latest', rolloutOptions: { minHealthySeconds: 5, autoRevert: true } }).job;
  t.not(plain.id, withOptions.id);
  t.deepEqual(withOptions.rolloutOptions, { minHealthySeconds: 5, autoRevert: true });
});

test('two masters over one PostgreSQL: the one holding the rollouts lease drives a rollout started through the other, whose agents report to the other, to the end', async (t) => {
  const dbPath = await createTestDatabase(t);
  const a = await startTestMaster({ dbPath, name: 'a' });
  t.teardown(a.close);
  // a's engine takes the lease at its first pass, before b exists.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const b = await startTestMaster({ dbPath, name: 'b' });
  t.teardown(b.close);
  const hosts = ['h1', 'h2', 'h3'];
  for (const host of hosts) await b.client.hosts.register(host, `id-${host}`);
  // Every agent talks to b: a hears of their statuses by b's commit notices (else by its re-read every 5 s).
  fakeFleet(t, b, hosts);
  await allUp(b, hosts);
  const v1 = await createJob(b, { id: 'app:1' });
  await b.client.deploymentGroups.create({ name: 'web', hostSelectors: web });
  const asked = Date.now();
  await b.client.deploymentGroups.rollingUpdate('web', { job: v1 });
  const done = await until('rollout', () => b.client.deploymentGroups.status('web'), settled, 30_000);
  t.is(done.status, 'ACTIVE', done.error);
  t.log(`rolled out over ${hosts.length} hosts in ${Date.now() - asked} ms`);
  for (const host of hosts) t.like(await b.client.deployments.get(host, v1), { owner: 'group:web', deployerMaster: 'a' });
  const [record] = (await a.client.deploymentGroups.history('web')).rollouts;
  t.deepEqual(record.hosts.map((h) => [h.host, h.result]), hosts.map((h) => [h, 'DONE']));
  t.log(`a host's end to the next one's start, driven by a from statuses reported to b: ${record.hosts.slice(1).map((h, i) => `${h.started - record.hosts[i].finished!} ms`).join(', ')}`);
});
