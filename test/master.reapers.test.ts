/**
 * The master's reapers (master/reapers/) against a real master, on SQLite and on PostgreSQL: the history and
 * statuses of removed jobs, DOWN hosts and unused sync sources go after their retention, and what is
 * still in use stays. Retention values are small so the tests run fast; the boundaries are checked by
 * running the master's reaper by hand (`reapOnce`) with a chosen `now`.
 */
import test from 'ava';
import Database from 'better-sqlite3';
import type { SyncApplyRequest, TaskStatus } from '../core/index.js';
import { migrations } from '../master/store/migrations.js';
import { dumpDb, expectError, heartbeatBody, startTestMaster, type TestMaster, type TestMasterOptions } from './harness/master.js';
import { ENGINES, testDatabase } from './harness/engines.js';
import { agentRegistered, startMasterFor, startTestAgent, waitForState } from './harness/agent.js';
import { waitFor } from './harness/processes.js';

const status = (jobId: string, state: TaskStatus['state'], over: Partial<TaskStatus> = {}): TaskStatus => ({
  jobId, goal: 'START', state, containerId: 'c0ffee', throttled: 'NO', ports: {}, env: {}, containerError: null, ...over,
});
const busybox = { image: 'busybox:latest' };
// Generous: the full suite runs 4 files at once on 2 cores; a reaper run every 50 ms takes milliseconds.
const REAPED_WITHIN_MS = 30_000;

const report = (m: TestMaster, host: string, agentId: string, jobId: string, state: TaskStatus['state']) =>
  m.client.agents.reportStatuses(host, { id: agentId, updates: [{ status: status(jobId, state), timestamp: Date.now() }], removed: [] });

/** Until the job's history answers JOB_NOT_FOUND (the job is removed and its history reaped). */
const historyReaped = (m: TestMaster, id: string) => waitFor(async () => {
  try {
    await m.client.jobs.history(id);
    return false;
  } catch (err) {
    return (err as { code?: string }).code === 'JOB_NOT_FOUND';
  }
}, { timeoutMs: REAPED_WITHIN_MS, message: `history of ${id} reaped` });

const reapAudits = async (m: TestMaster) => (await m.client.audit()).events.filter((e) => e.action === 'reap');

/** A master whose reapers run only when the test says (`m.master.reapOnce(now)`). */
const reapedByHand = (options: Partial<TestMasterOptions> = {}) => startTestMaster({ reaperIntervalMs: 3_600_000, ...options });

const sync = (jobs: SyncApplyRequest['jobs']): SyncApplyRequest => ({ repo: 'https://git.example/r.git', branch: 'main', path: 'jobs', commit: 'c1', errors: [], jobs });

for (const engine of ENGINES) {
  test(`${engine}: the history and statuses of a removed job are reaped after --history-retention; a job still there keeps its own`, async (t) => {
    const m = await startTestMaster({ engine, reaperIntervalMs: 50, retention: { historyMs: 300 } });
    t.teardown(m.close);
    await m.client.hosts.register('h1', 'a1');
    const gone = (await m.client.jobs.create({ id: 'gone:1', ...busybox })).id;
    const kept = (await m.client.jobs.create({ id: 'kept:1', ...busybox })).id;
    for (const id of [gone, kept]) {
      await m.client.deployments.deploy('h1', id);
      await report(m, 'h1', 'a1', id, 'RUNNING');
    }
    t.is((await m.client.hosts.status('h1')).statuses[gone]?.state, 'RUNNING');
    t.is((await m.client.jobs.history(gone)).events.length, 1);
    // The agent has not reported the task removed: its status and history are what is left of the job
    // (the audit event below counts them; checked here they could be gone already on a slow machine).
    await m.client.deployments.undeploy('h1', gone);
    await m.client.jobs.remove(gone);

    await historyReaped(m, gone);
    t.deepEqual(Object.keys((await m.client.hosts.status('h1')).statuses), [kept], 'the removed job\'s status went too');
    t.deepEqual((await m.client.jobs.history(kept)).events.map((e) => e.status.state), ['RUNNING']);
    // Reaped means forgotten: a late report of the task is no longer taken.
    await report(m, 'h1', 'a1', gone, 'STOPPED');
    await expectError(t, m.client.jobs.history(gone), 'JOB_NOT_FOUND');
    const [audited] = await reapAudits(m);
    t.like(audited, { token: 'master', detail: { reason: 'history of removed jobs', jobs: 1, events: 1, statuses: 1 } });
  });

  test(`${engine}: a removed job's history stays for --history-retention after its removal and goes at the first run after it, unless the job is created again`, async (t) => {
    const m = await reapedByHand({ engine, retention: { historyMs: 3_600_000 } });
    t.teardown(m.close);
    await m.client.hosts.register('h1', 'a1');
    const [id, again] = await Promise.all(['web:1', 'again:1'].map(async (ref) => (await m.client.jobs.create({ id: ref, ...busybox })).id));
    for (const job of [id, again]) {
      await m.client.deployments.deploy('h1', job);
      await report(m, 'h1', 'a1', job, 'RUNNING');
      await m.client.deployments.undeploy('h1', job);
    }
    const removedBefore = Date.now();
    await m.client.jobs.remove(id);
    await m.client.jobs.remove(again);
    const removedAfter = Date.now();
    t.is((await m.client.jobs.create({ id: 'again:1', ...busybox })).id, again, 'the same job, created again');
    const before = await dumpDb(m.dbPath);
    await m.master.reapOnce(removedBefore + 3_600_000 - 1_000);
    t.deepEqual(await dumpDb(m.dbPath), before, 'kept within the retention; a run with nothing due writes nothing, not even the index');
    await m.master.reapOnce(removedAfter + 3_600_000 + 1_000);
    await expectError(t, m.client.jobs.history(id), 'JOB_NOT_FOUND');
    t.is((await m.client.jobs.history(again)).events.length, 1, 'a job that exists again keeps its history');
  });

  test(`${engine}: a host DOWN longer than --host-reap-after is deregistered with its statuses, history and hand-made deployments; git's stay, an UP host stays`, async (t) => {
    // DOWN after 2 s without a heartbeat, reaped 2 s later: both hosts heartbeat every 100 ms until the
    // set-up is done, then only the UP one, so only a stall of 4 s could make it look dead.
    const m = await startTestMaster({ engine, reaperIntervalMs: 50, downAfterMs: 2_000, retention: { hostReapAfterMs: 2_000 } });
    t.teardown(m.close);
    await m.client.hosts.register('dead', 'a-dead');
    await m.client.hosts.register('alive', 'a-alive');
    const beating = new Set(['dead', 'alive']);
    const beats = [...beating].map(async (host) => {
      while (beating.has(host)) {
        await m.client.agents.heartbeat(host, heartbeatBody(`a-${host}`));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    t.teardown(async () => { beating.clear(); await Promise.all(beats); });
    const cli = (await m.client.jobs.create({ id: 'cli:1', ...busybox })).id;
    for (const host of ['dead', 'alive']) {
      await m.client.deployments.deploy(host, cli);
      await report(m, host, `a-${host}`, cli, 'RUNNING');
    }
    const applied = await m.client.sync.apply('repo', sync([{ file: 'jobs/web.yaml', spec: { name: 'web', version: '1', ...busybox }, hosts: ['dead', 'alive'], goal: 'START' }]));
    t.is(applied.state, 'APPLIED');
    const git = Object.keys(await m.client.jobs.list()).find((id) => id.startsWith('web:1:'))!;
    await report(m, 'dead', 'a-dead', git, 'RUNNING');
    beating.delete('dead');

    await waitFor(async () => !(await m.client.hosts.list()).includes('dead'), { timeoutMs: REAPED_WITHIN_MS, message: 'dead host deregistered' });
    t.deepEqual(await m.client.hosts.list(), ['alive']);
    const cliStatus = await m.client.jobs.status(cli);
    t.deepEqual(Object.keys(cliStatus.deployments), ['alive'], 'the hand-made deployment on the dead host went');
    t.deepEqual(Object.keys(cliStatus.taskStatuses), ['alive']);
    t.deepEqual((await m.client.jobs.history(cli)).events.map((e) => e.host), ['alive'], 'the dead host\'s history went');
    const gitStatus = await m.client.jobs.status(git);
    t.deepEqual(Object.keys(gitStatus.deployments).sort(), ['alive', 'dead'], 'git\'s deployment stays: the repository asks for it');
    t.deepEqual(gitStatus.taskStatuses, {});
    t.deepEqual((await m.client.jobs.history(git)).events, []);
    const [audited] = await reapAudits(m);
    t.like(audited, { token: 'master', host: 'dead', detail: { reason: 'down', undeployed: [cli], gitDeploymentsKept: 1 } });
    // An agent of that name that comes back registers afresh and gets git's deployment.
    await m.client.hosts.register('dead', 'a-new');
    t.deepEqual((await m.client.agents.tasks('dead', 0, 0, { agentId: 'a-new' })).tasks.map((task) => task.jobId), [git]);
  });

  test(`${engine}: a host is reaped once DOWN for --host-reap-after, not before, and never with off`, async (t) => {
    const downAfterMs = 30_000;
    const reapAfterMs = 86_400_000;
    const [off, on] = await Promise.all([null, reapAfterMs].map((hostReapAfterMs) => reapedByHand({ engine, downAfterMs, retention: { hostReapAfterMs } })));
    t.teardown(off.close);
    t.teardown(on.close);
    const seen: Record<string, [number, number]> = {};
    for (const m of [off, on]) {
      await m.client.hosts.register('h1', 'a1');
      const before = Date.now();
      await m.client.agents.heartbeat('h1', heartbeatBody('a1'));
      seen[m.url] = [before, Date.now()];
    }
    await off.master.reapOnce(seen[off.url][1] + 365 * 86_400_000);
    t.deepEqual(await off.client.hosts.list(), ['h1'], 'off: never');
    await on.master.reapOnce(seen[on.url][0] + downAfterMs + reapAfterMs - 1_000);
    t.deepEqual(await on.client.hosts.list(), ['h1'], 'DOWN, but not for long enough');
    await on.master.reapOnce(seen[on.url][1] + downAfterMs + reapAfterMs + 1_000);
    t.deepEqual(await on.client.hosts.list(), []);
  });

  // By hand (reapOnce): a source syncing every 100 ms against a 1 s retention was reaped between two
  // of its syncs whenever two applies took over 450 ms (on the loaded machine, up to 340 ms on SQLite
  // and 460 ms on PostgreSQL were seen; 13-20 ms alone): the rule, not the machine's speed, is tested.
  test(`${engine}: a sync source that owns nothing is removed after --source-reap-after; one that owns jobs stays, and so does one that tried a commit since`, async (t) => {
    const reapAfterMs = 60_000;
    const m = await reapedByHand({ engine, retention: { sourceReapAfterMs: reapAfterMs } });
    t.teardown(m.close);
    const start = Date.now();
    t.is((await m.client.sync.apply('emptied', sync([]))).state, 'APPLIED');
    await m.client.sync.register('registered', { repo: 'https://git.example/other.git', branch: 'main', path: 'jobs' });
    t.is((await m.client.sync.apply('owner', sync([{ file: 'jobs/web.yaml', spec: { name: 'web', version: '1', ...busybox }, hosts: ['h1'], goal: 'START' }]))).state, 'APPLIED');
    const idleSince = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 5));
    t.is((await m.client.sync.apply('live', sync([]))).state, 'APPLIED');

    await m.master.reapOnce(start + reapAfterMs - 1);
    t.deepEqual((await m.client.sync.sources()).map((s) => s.name), ['emptied', 'live', 'owner', 'registered'], 'not idle for long enough');
    await m.master.reapOnce(idleSince + reapAfterMs);
    t.deepEqual((await m.client.sync.sources()).map((s) => s.name), ['live', 'owner']);
    const audited = await reapAudits(m);
    t.deepEqual(audited.map((e) => e.source).sort(), ['emptied', 'registered']);
    t.like(audited.find((e) => e.source === 'emptied'), { token: 'master', detail: { reason: 'unused', repo: 'https://git.example/r.git' } });
  });

  test(`${engine}: undeployed and removed at once: the real agent's STOPPING and STOPPED still reach history, which is reaped after --history-retention`, async (t) => {
    const dbPath = await testDatabase(t, engine);
    const master = await startMasterFor(t, { dbPath });
    const agent = await startTestAgent(t, master);
    await agentRegistered(agent);
    const { id } = await master.client.jobs.create({ id: 'brief:1', ...busybox, command: ['sleep', '1000'], init: true, secondsToWaitBeforeKill: 5 });
    await master.client.deployments.deploy(agent.name, id);
    await waitForState(master, id, agent.name, 'RUNNING', 60_000);
    await master.client.deployments.undeploy(agent.name, id);
    await master.client.jobs.remove(id);
    await waitFor(async () => Object.keys((await master.client.hosts.status(agent.name)).statuses).length === 0,
      { timeoutMs: 60_000, message: 'the agent reports the task removed' });
    const after = (await master.client.jobs.history(id)).events.map((e) => `${e.status.state}/${e.status.goal}`);
    t.true(after.includes('STOPPING/UNDEPLOY') && after.at(-1) === 'STOPPED/UNDEPLOY', after.join(' '));
    await agent.stop();
    await master.close();

    const again = await startTestMaster({ dbPath, reaperIntervalMs: 50, retention: { historyMs: 0 } });
    t.teardown(again.close);
    await historyReaped(again, id);
    t.pass('reaped');
  });
}

// SQLite only: a file of schema 5 (before the reapers). The PostgreSQL store came at schema 7, so no
// PostgreSQL database is that old.
test('sqlite: a database from before the reapers: the history and statuses removed jobs left are reaped after the retention too', async (t) => {
  const dbPath = await testDatabase(t, 'sqlite');
  const old = new Database(dbPath);
  old.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)');
  for (const migration of migrations.slice(0, 5)) old.exec(migration);
  old.exec(`INSERT INTO meta VALUES ('schemaVersion', 5), ('index', 1);
    INSERT INTO history (job_id, host, timestamp, status) VALUES ('old:1:${'a'.repeat(40)}', 'h1', 1, '{}'), ('old:1:${'a'.repeat(40)}', 'h1', 2, '{}');
    INSERT INTO task_statuses (host, job_id, status, updated, modify_index) VALUES ('h1', 'old:1:${'a'.repeat(40)}', '{}', 1, 1);`);
  old.close();
  const m = await startTestMaster({ dbPath, reaperIntervalMs: 50, retention: { historyMs: 300 } });
  t.teardown(m.close);
  await waitFor(() => {
    const db = new Database(dbPath, { readonly: true });
    try {
      return (db.prepare('SELECT (SELECT COUNT(*) FROM history) + (SELECT COUNT(*) FROM task_statuses) AS n').get() as { n: number }).n === 0;
    } finally {
      db.close();
    }
  }, { timeoutMs: REAPED_WITHIN_MS, message: 'what the old database left reaped' });
  t.like((await reapAudits(m))[0], { detail: { jobs: 1, events: 2, statuses: 1 } });
});
