/**
 * Rolling updates on the real Docker engine: a master and three real agents (own names, label
 * role=web) in this process, each test with its own. The API-level cases (membership, stop, wire
 * format, a DOWN host) are in test/master.deploymentGroups.test.ts with agents played by the test.
 */
import test, { type ExecutionContext } from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type DeploymentGroupStatusResponse, type HeliosClient, type JobSpec, type RolloutRecord } from '../core/index.js';
import { agentContainers, startMasterFor, startTestAgent, uniqueName, type TestAgent } from './harness/agent.js';
import { emptyRegistry } from './harness/emptyRegistry.js';
import { spawnMaster, urlOf } from './harness/master.js';
import { freePort, waitFor } from './harness/processes.js';
import { createTestDatabase } from './harness/postgres.js';

/** A master as these tests use it: where agents find it, and a client. */
interface Master { url: string; client: HeliosClient }

const web = [{ label: 'role', operator: 'EQUALS' as const, operand: 'web' }];
const sleeper: Partial<JobSpec> = { image: 'busybox:latest', command: ['sleep', '1000'], init: true, secondsToWaitBeforeKill: 1 };

/** A master, three agents `<prefix>-1..3` labelled role=web (UP), and group `web` over them. */
async function fleet(t: ExecutionContext, master?: Master): Promise<{ m: Master; agents: TestAgent[] }> {
  const m = master ?? await startMasterFor(t);
  const prefix = uniqueName('ru');
  const agents = await Promise.all([1, 2, 3].map((i) => startTestAgent(t, m, { name: `${prefix}-${i}`, labels: { role: 'web' } })));
  await waitFor(async () => (await m.client.hosts.list()).length === 3 || undefined, { message: 'three agents registered' });
  await waitFor(async () => {
    const statuses = await Promise.all(agents.map((a) => m.client.hosts.status(a.name)));
    return statuses.every((s) => s.status === 'UP' && s.labels.role === 'web') || undefined;
  }, { message: 'agents UP with their labels' });
  await m.client.deploymentGroups.create({ name: 'web', hostSelectors: web });
  return { m, agents };
}

async function job(m: Master, version: string, over: Partial<JobSpec> = {}): Promise<string> {
  return (await m.client.jobs.create({ ...sleeper, id: `app:${version}`, ...over, image: over.image ?? 'busybox:latest' })).id;
}

async function rollOut(m: Master, jobId: string, options: Record<string, unknown> = {}): Promise<{ status: DeploymentGroupStatusResponse; record: RolloutRecord; ms: number }> {
  const began = Date.now();
  const { rolloutId } = await m.client.deploymentGroups.rollingUpdate('web', { job: jobId, rolloutOptions: options });
  const status = await waitFor(async () => {
    const s = await m.client.deploymentGroups.status('web');
    return s.status !== 'ROLLING_OUT' ? s : undefined;
  }, { timeoutMs: 60_000, intervalMs: 50, message: `rollout of ${jobId}` });
  const ms = Date.now() - began;
  const record = (await m.client.deploymentGroups.history('web')).rollouts.find((r) => r.id === rolloutId)!;
  return { status, record, ms };
}

/** The job each agent's running container belongs to. */
async function runningJobs(agents: TestAgent[]): Promise<string[][]> {
  return Promise.all(agents.map(async (a) => (await agentContainers(a.name)).filter((c) => c.State === 'running').map((c) => c.Labels['helios.job']).sort()));
}

test('parallelism 1: v1 then v2 host after host, each RUNNING before the next is touched; every agent ends on v2 alone', async (t) => {
  const { m, agents } = await fleet(t);
  const v1 = await job(m, '1');
  const first = await rollOut(m, v1);
  t.is(first.status.status, 'ACTIVE', first.status.error);
  const v2 = await job(m, '2');
  const { status, record, ms } = await rollOut(m, v2);
  t.is(status.status, 'ACTIVE', status.error);
  t.deepEqual(status.hostStatuses, agents.map((a) => ({ host: a.name, jobId: v2, state: 'RUNNING' })));
  t.deepEqual(record.hosts.map((h) => [h.host, h.result]), agents.map((a) => [a.name, 'DONE']));
  for (let i = 1; i < record.hosts.length; i++) {
    t.true(record.hosts[i].started >= record.hosts[i - 1].finished!, `host ${i} started before host ${i - 1} was done: ${JSON.stringify(record.hosts)}`);
  }
  t.like(record, { previousJobId: v1, outcome: 'DONE', reverted: false });
  t.deepEqual(await runningJobs(agents), agents.map(() => [v2]));
  t.log(`3 hosts one at a time: ${ms} ms`);
});

test('parallelism 2: the first two hosts together, the third once both are done', async (t) => {
  const { m, agents } = await fleet(t);
  const { status, record } = await rollOut(m, await job(m, '1'), { parallelism: 2 });
  t.is(status.status, 'ACTIVE', status.error);
  const [a, b, c] = record.hosts;
  t.deepEqual([a.host, b.host, c.host], agents.map((x) => x.name));
  t.true(b.started <= a.finished! && a.started <= b.finished!, JSON.stringify(record.hosts));
  t.true(c.started >= Math.max(a.finished!, b.finished!), JSON.stringify(record.hosts));
});

test('a version whose image is missing fails in seconds, and with auto-revert the touched host runs the previous version again', async (t) => {
  const { m, agents } = await fleet(t);
  const v1 = await job(m, '1');
  t.is((await rollOut(m, v1)).status.status, 'ACTIVE');
  const registry = await emptyRegistry(t);
  const missing = await job(m, '2', { image: `127.0.0.1:${registry}/nothing-here:2` });
  const { status, record, ms } = await rollOut(m, missing, { autoRevert: true });
  t.true(ms < 20_000, `${ms} ms (the step's timeout is 300 s)`);
  t.is(status.status, 'FAILED');
  t.true(status.reverted);
  t.regex(status.error, new RegExp(`^${agents[0].name}: job ${missing} cannot reach state RUNNING due to missing Docker image`));
  t.like(record, { outcome: 'FAILED', errorCode: 'IMAGE_MISSING', reverted: true, previousJobId: v1 });
  // Only the first host was touched; it is back on v1, and the others never left it.
  t.deepEqual(record.hosts.map((h) => [h.host, h.phase, h.result]), [[agents[0].name, 'UPDATE', 'FAILED'], [agents[0].name, 'REVERT', 'DONE']]);
  t.deepEqual(status.hostStatuses, agents.map((a) => ({ host: a.name, jobId: v1, state: 'RUNNING' })));
  t.deepEqual(await runningJobs(agents), agents.map(() => [v1]));
  t.log(`failed and reverted in ${ms} ms`);
});

/** Rolls `job` out with each host held RUNNING 2 s (so a kill lands mid-rollout); resolves once the first host is DONE. */
async function rollOutUntilFirstHostDone(client: HeliosClient, job: string): Promise<{ rolloutId: number; before: RolloutRecord }> {
  const { rolloutId } = await client.deploymentGroups.rollingUpdate('web', { job, rolloutOptions: { minHealthySeconds: 2 } });
  const before = await waitFor(async () => {
    const [record] = (await client.deploymentGroups.history('web')).rollouts;
    return record?.hosts[0]?.result === 'DONE' ? record : undefined;
  }, { timeoutMs: 30_000, intervalMs: 50, message: 'first host done' });
  return { rolloutId, before };
}

/**
 * After the master driving it was killed: the same rollout (not a new one) ends ACTIVE with every
 * host DONE, and the host done before the kill kept its result. Resolves with the record.
 */
async function sameRolloutFinished(t: ExecutionContext, client: HeliosClient, rolloutId: number, before: RolloutRecord, agents: TestAgent[]): Promise<RolloutRecord> {
  const status = await waitFor(async () => {
    const s = await client.deploymentGroups.status('web').catch(() => undefined);
    return s && s.status !== 'ROLLING_OUT' ? s : undefined;
  }, { timeoutMs: 60_000, intervalMs: 100, message: 'rollout after the kill' });
  t.is(status.status, 'ACTIVE', status.error);
  const history = (await client.deploymentGroups.history('web')).rollouts;
  t.deepEqual(history.map((r) => [r.id, r.outcome]), [[rolloutId, 'DONE']], 'the same rollout, not a new one');
  const [record] = history;
  t.deepEqual(record.hosts.map((h) => [h.host, h.result]), agents.map((a) => [a.name, 'DONE']));
  t.deepEqual(record.hosts[0], before.hosts[0], 'the host done before the kill kept its result');
  return record;
}

test('kill -9 of the master mid-rollout: restarted on the same database, it continues the same rollout where it was', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'helios-rollout-kill-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const args = ['--db', join(dir, 'master.db'), '--http', `127.0.0.1:${port}`];
  const first = spawnMaster(args);
  t.teardown(() => first.kill('SIGKILL'));
  const url = await urlOf(first);
  const m: Master = { url, client: createClient({ baseUrl: url }) };
  const { agents } = await fleet(t, m);
  const v1 = await job(m, '1');
  const { rolloutId, before } = await rollOutUntilFirstHostDone(m.client, v1);
  await first.kill('SIGKILL');
  const killedAt = Date.now();

  const second = spawnMaster(args);
  t.teardown(() => second.kill('SIGKILL'));
  await urlOf(second);
  const record = await sameRolloutFinished(t, m.client, rolloutId, before, agents);
  // The others were finished by the new master.
  t.true(record.hosts[2].finished! > killedAt);
  t.deepEqual(await runningJobs(agents), agents.map(() => [v1]));
});

test('two masters over one PostgreSQL: kill -9 of the one driving a rollout, and the other takes the rollouts lease and finishes the same rollout', async (t) => {
  const db = await createTestDatabase(t);
  const a = spawnMaster(['--db', db, '--name', 'a']);
  t.teardown(() => a.kill('SIGKILL'));
  const aUrl = await urlOf(a);
  // a's engine takes the rollouts lease at its first pass, before b exists.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const b = await startMasterFor(t, { dbPath: db, name: 'b' });
  const viaB: Master = { url: b.url, client: b.client };
  const prefix = uniqueName('ru2');
  const agents = await Promise.all([1, 2, 3].map((i) => startTestAgent(t, { url: aUrl }, { name: `${prefix}-${i}`, labels: { role: 'web' }, master: [aUrl, b.url] })));
  await waitFor(async () => {
    const statuses = await Promise.all(agents.map((agent) => b.client.hosts.status(agent.name).catch(() => undefined)));
    return statuses.every((s) => s?.status === 'UP' && s.labels.role === 'web') || undefined;
  }, { message: 'agents UP with their labels' });
  await b.client.deploymentGroups.create({ name: 'web', hostSelectors: web });
  const v1 = await job(viaB, '1');
  const { rolloutId, before } = await rollOutUntilFirstHostDone(b.client, v1);
  t.like(await b.client.deployments.get(agents[0].name, v1), { deployerMaster: 'a' }, 'a drove the rollout');
  await a.kill('SIGKILL');
  const killedAt = Date.now();

  const record = await sameRolloutFinished(t, b.client, rolloutId, before, agents);
  const resumed = record.hosts.find((h) => h.started > killedAt);
  t.truthy(resumed, 'a host was started after the kill');
  t.log(`the next host started ${resumed!.started - killedAt} ms after the kill -9 of a`);
  t.like(await b.client.deployments.get(resumed!.host, v1), { deployerMaster: 'b' }, 'b finished it');
  t.deepEqual(await runningJobs(agents), agents.map(() => [v1]));
});

test('a host DOWN during the rollout (its agent stopped) is left out, and caught up when its agent is back: it runs the new version too', async (t) => {
  // DOWN after 2 s of silence, so the test need not wait the default 30 s.
  const m = await startMasterFor(t, { downAfterMs: 2_000 });
  const { agents } = await fleet(t, m);
  const v1 = await job(m, '1');
  t.is((await rollOut(m, v1)).status.status, 'ACTIVE');
  const away = agents[2];
  await away.stop();
  await waitFor(async () => (await m.client.hosts.status(away.name)).status === 'DOWN' || undefined, { timeoutMs: 20_000, message: `${away.name} DOWN` });

  const v2 = await job(m, '2');
  const { status, record } = await rollOut(m, v2);
  t.is(status.status, 'ACTIVE', status.error);
  t.deepEqual(record.hosts.map((h) => h.host), agents.slice(0, 2).map((a) => a.name), 'the DOWN host is not in the rollout');
  t.deepEqual(await runningJobs(agents.slice(0, 2)), [[v2], [v2]]);

  // The same agent again (its name and state dir): UP, and the group catches it up to v2.
  const back = await startTestAgent(t, m, { name: away.name, stateDir: away.stateDir, labels: { role: 'web' } });
  const caughtUp = await waitFor(async () => {
    const s = await m.client.deploymentGroups.status('web');
    const mine = s.hostStatuses.find((h) => h.host === back.name);
    return s.status === 'ACTIVE' && mine?.jobId === v2 && mine.state === 'RUNNING' ? s : undefined;
  }, { timeoutMs: 60_000, intervalMs: 100, message: `${back.name} caught up on v2` });
  t.deepEqual(caughtUp.hostStatuses.map((h) => [h.host, h.jobId, h.state]), agents.map((a) => [a.name, v2, 'RUNNING']));
  t.deepEqual(await runningJobs([agents[0], agents[1], back]), [[v2], [v2], [v2]], 'v1 gone from the host that was away too');
});
