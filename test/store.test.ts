/**
 * The store suite: the same tests against both engines (master/store/store.ts' interface), SQLite on
 * a temp file and PostgreSQL on a database of its own (HELIOS_TEST_PG, test/env/withPostgres.ts).
 * "Two masters" are two stores opened on one database: on PostgreSQL two pools, as two masters have.
 */
import test, { type ExecutionContext } from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildJob, isHeliosError, type Job, type TaskStatus } from '../core/index.js';
import { openStore, type Store } from '../master/store/store.js';
import { OutsideTransactionError } from '../master/store/exclusive.js';
import { deploy } from '../master/actions/deployments.js';
import { createJob, removeJob } from '../master/actions/jobs.js';
import type { Actor } from '../master/actions/guards.js';
import { createTestDatabase } from './harness/postgres.js';
import { waitFor } from './harness/processes.js';
import Database from 'better-sqlite3';
import pg from 'pg';
import { migrations } from '../master/store/migrations.js';
import { postgresMigrations } from '../master/store/postgres/migrations.js';

/** A database of one engine: `open` a store on it (migrating it), or make it an `older` schema version first and run `sql` there. */
type Open = (t: ExecutionContext) => Promise<{ open(): Promise<Store>; older(version: number, sql: string): Promise<void> }>;

const engines: Record<string, Open> = {
  sqlite: async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'helios-store-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'master.db');
    return {
      open: () => openStore(path),
      older: async (version, sql) => {
        const db = new Database(path);
        try {
          db.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)');
          for (const migration of migrations.slice(0, version)) db.exec(migration);
          db.prepare("INSERT INTO meta VALUES ('schemaVersion', ?), ('index', 1)").run(version);
          db.exec(sql);
        } finally {
          db.close();
        }
      },
    };
  },
  postgres: async (t) => {
    const url = await createTestDatabase(t);
    return {
      open: () => openStore(url),
      older: async (version, sql) => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await client.query('CREATE TABLE meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL)');
          for (const migration of postgresMigrations.slice(0, version)) await client.query(migration);
          await client.query("INSERT INTO meta VALUES ('schemaVersion', $1)", [version]);
          await client.query(sql);
        } finally {
          await client.end();
        }
      },
    };
  },
};

const actor: Actor = { owner: 'cli', user: 'tester', tokenName: 'test', master: 'm' };
const job = (name: string, extra: Partial<Job> = {}) => buildJob({ id: `${name}:1`, image: 'busybox:latest', ...extra }).job;
const running = (jobId: string): TaskStatus => ({ jobId, goal: 'START', state: 'RUNNING', containerId: 'c1', env: {}, ports: {} } as unknown as TaskStatus);

async function storeOf(t: ExecutionContext, engine: Open): Promise<Store> {
  const db = await engine(t);
  const store = await db.open();
  t.teardown(() => store.close());
  return store;
}

/** A store with host h1 and job web deployed on it. */
async function webDeployed(t: ExecutionContext, engine: Open): Promise<{ store: Store; web: Job }> {
  const store = await storeOf(t, engine);
  const web = job('web');
  await store.write(async (tx) => {
    await tx.hosts.insert('h1', 'a1', 1, tx.index);
    await createJob(tx, web, actor);
    await deploy(tx, { host: 'h1', jobId: web.id, goal: 'START' }, actor);
  });
  return { store, web };
}

for (const [name, engine] of Object.entries(engines)) {
  test(`${name}: a new database has a cluster id and index 0; each write takes the next index and stamps touched hosts`, async (t) => {
    const db = await engine(t);
    const store = await db.open();
    t.regex(store.clusterId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    t.is(await store.index(), 0);
    const heard: Array<[string[] | 'all', number]> = [];
    store.onHostsChanged((hosts, index) => heard.push([hosts, index]));
    const first = await store.write(async (tx) => { await tx.hosts.insert('h1', 'a1', 1, tx.index); tx.touchHost('h1'); return tx.index; });
    const second = await store.write(async (tx) => tx.index);
    t.true(second > first);
    t.is(await store.hosts.desiredIndex('h1'), first);
    t.deepEqual(heard, [[['h1'], first]]);
    t.is(await store.index(), second);
    const id = store.clusterId;
    await store.close();
    const again = await db.open();
    t.teardown(() => again.close());
    t.is(again.clusterId, id, 'reopened (migrations run again): the same cluster');
    t.is(await again.hosts.desiredIndex('h1'), first);
  });

  test(`${name}: a write that throws changes nothing and tells no listener`, async (t) => {
    const store = await storeOf(t, engine);
    let heard = 0;
    store.onHostsChanged(() => { heard += 1; });
    await t.throwsAsync(store.write(async (tx) => {
      await tx.hosts.insert('h1', 'a1', 1, tx.index);
      tx.touchHost('h1');
      throw new Error('refused');
    }), { message: 'refused' });
    t.is(await store.hosts.get('h1'), undefined);
    t.is(heard, 0);
  });

  test(`${name}: the store's own queries are refused inside a transaction`, async (t) => {
    const store = await storeOf(t, engine);
    await t.throwsAsync(store.write(async () => store.jobs.get('x:1')), { instanceOf: OutsideTransactionError });
    await t.throwsAsync(store.read(async () => store.hosts.list()), { instanceOf: OutsideTransactionError });
  });

  test(`${name}: registry accounts: a login again replaces host, user and secret and keeps id and created; by host, by name, removed`, async (t) => {
    const store = await storeOf(t, engine);
    const account = { name: 'team', id: 'id-1', host: 'r.example:5000', username: 'u1', secret: 'v1:sealed-1', created: 10, updated: 10 };
    await store.write(async (tx) => {
      await tx.registryAccounts.put(account, tx.index);
      await tx.registryAccounts.put({ ...account, name: 'hub', id: 'id-2', host: 'docker.io' }, tx.index);
    });
    await store.write(async (tx) => tx.registryAccounts.put({ ...account, id: 'ignored', username: 'u2', secret: 'v1:sealed-2', created: 99, updated: 20 }, tx.index));
    t.deepEqual(await store.registryAccounts.get('team'), { ...account, username: 'u2', secret: 'v1:sealed-2', updated: 20 });
    t.deepEqual((await store.registryAccounts.ofHost('r.example:5000')).map((a) => a.name), ['team']);
    t.deepEqual((await store.registryAccounts.list()).map((a) => a.name), ['hub', 'team']);
    t.true(await store.write(async (tx) => tx.registryAccounts.remove('team')));
    t.false(await store.write(async (tx) => tx.registryAccounts.remove('team')));
    t.is(await store.registryAccounts.get('team'), undefined);
  });

  test(`${name}: deployment groups: a group with its members, status and rollout in progress; rollout records newest first; removed with its records; commits heard`, async (t) => {
    const store = await storeOf(t, engine);
    const commits: number[] = [];
    store.onCommit((index) => commits.push(index));
    const options = { timeout: 300, parallelism: 1, migrate: false, overlap: false, token: '', ignoreFailures: false, minHealthySeconds: 0, autoRevert: false };
    const group = { name: 'web', hostSelectors: [{ label: 'role', operator: 'EQUALS' as const, operand: 'web' }] };
    const record = { group, hosts: ['h2', 'h10'], removed: [], status: null, reverted: false, rollout: null, created: 5 };
    const first = await store.write(async (tx) => { await tx.deploymentGroups.put(record, tx.index); return tx.index; });
    t.deepEqual(commits, [first]);
    t.deepEqual(await store.deploymentGroups.get('web'), record);
    const rollout = { id: 0, group: 'web', jobId: 'a:1:h', previousJobId: null, reason: 'MANUAL' as const, startedBy: 'alice', options,
      started: 10, finished: null, outcome: 'ROLLING_OUT' as const, error: null, errorCode: null, reverted: false, hosts: [] };
    const ids = await store.write(async (tx) => [await tx.deploymentGroups.addRollout(rollout), await tx.deploymentGroups.addRollout({ ...rollout, jobId: 'a:2:h' })]);
    t.true(ids[1] > ids[0]);
    const run = { rolloutId: ids[1], jobId: 'a:2:h', previousJobId: 'a:1:h', options, tasks: [{ action: 'DEPLOY_NEW_JOB' as const, target: 'h2' }],
      taskIndex: 0, taskStarted: 11, touched: [], reverting: false };
    const rolling = { ...record, group: { ...group, jobId: 'a:2:h', rolloutOptions: options, rollingUpdateReason: 'MANUAL' as const },
      status: { state: 'ROLLING_OUT' as const }, reverted: true, rollout: run };
    await store.write(async (tx) => {
      await tx.deploymentGroups.put(rolling, tx.index);
      await tx.deploymentGroups.putRollout({ ...rollout, id: ids[0], outcome: 'DONE', finished: 12, hosts: [{ host: 'h2', phase: 'UPDATE', started: 10, finished: 12, result: 'DONE' }] });
    });
    t.deepEqual(await store.deploymentGroups.get('web'), rolling);
    t.deepEqual((await store.deploymentGroups.list()).map((r) => r.group.name), ['web']);
    const history = await store.deploymentGroups.rollouts('web', 10);
    t.deepEqual(history.map((r) => [r.id, r.jobId, r.outcome]), [[ids[1], 'a:2:h', 'ROLLING_OUT'], [ids[0], 'a:1:h', 'DONE']]);
    t.deepEqual((await store.deploymentGroups.rollout(ids[0]))?.hosts, [{ host: 'h2', phase: 'UPDATE', started: 10, finished: 12, result: 'DONE' }]);
    t.is((await store.deploymentGroups.rollouts('web', 1)).length, 1);
    t.true(await store.write(async (tx) => tx.deploymentGroups.remove('web')));
    t.false(await store.write(async (tx) => tx.deploymentGroups.remove('web')));
    t.is(await store.deploymentGroups.get('web'), undefined);
    t.deepEqual(await store.deploymentGroups.rollouts('web', 10), []);
    // A write that throws is rolled back and heard by nobody.
    const heard = commits.length;
    await t.throwsAsync(store.write(async (tx) => { await tx.deploymentGroups.put(record, tx.index); throw new Error('no'); }));
    t.is(commits.length, heard);
    t.is(await store.deploymentGroups.get('web'), undefined);
  });

  test(`${name}: jobs: create, find by id and name:version, pages, owners, expiry, remove`, async (t) => {
    const store = await storeOf(t, engine);
    const a = job('a', { expires: '2030-01-01T00:00:00Z' });
    const b = job('b', { env: { 'K"Q': 'v\u00e9' } });
    await store.write(async (tx) => { await createJob(tx, a, actor, 10); await createJob(tx, b, { ...actor, owner: 'git:s' }, 11); });
    t.like(await store.jobs.get(a.id), { id: a.id, created: 10, creatingUser: 'tester', owner: 'cli' });
    t.is((await store.jobs.byNameVersion('b', '1'))?.id, b.id);
    t.deepEqual(await store.jobs.ownerOf(b.id), { id: b.id, owner: 'git:s' });
    t.deepEqual(await store.jobs.idsOwnedBy('git:s'), [b.id]);
    const listed = await store.jobs.listJson();
    t.deepEqual(listed.map(([id, json]) => [id, JSON.parse(json)]), [[a.id, await store.jobs.get(a.id)], [b.id, await store.jobs.get(b.id)]]);
    const page = await store.jobs.pageJson('', 1, 1_000_000, () => true);
    t.is(page.texts.length, 1);
    t.is(page.next, a.id);
    t.deepEqual((await store.jobs.pageJson(a.id, 1, 1_000_000, () => true)).next, undefined);
    t.deepEqual((await store.jobs.pageJson('', 10, 1_000_000, (id) => id === b.id)).texts.length, 1);
    t.deepEqual(await store.jobs.expiredIds(Date.parse('2031-01-01T00:00:00Z')), [a.id]);
    await store.write((tx) => removeJob(tx, a.id, actor));
    t.is(await store.jobs.get(a.id), undefined);
    t.deepEqual(await store.statuses.removedBefore(Date.now() + 1000, 10), [a.id], 'the removal is recorded for the history reaper');
  });

  test(`${name}: deployments keep host_ports by trigger: a static port is held once per host`, async (t) => {
    const store = await storeOf(t, engine);
    const web = job('web', { ports: { http: { internalPort: 80, externalPort: 18080 }, dyn: { internalPort: 81 } } });
    const api = job('api', { ports: { http: { internalPort: 80, externalPort: 18080 } } });
    await store.write(async (tx) => {
      await tx.hosts.insert('h1', 'a1', 1, tx.index);
      await createJob(tx, web, actor);
      await createJob(tx, api, actor);
      await deploy(tx, { host: 'h1', jobId: web.id, goal: 'START' }, actor);
    });
    t.deepEqual(await store.deployments.portHolders('h1', 'tcp', 18080), [web.id]);
    const err = await t.throwsAsync(store.write((tx) => deploy(tx, { host: 'h1', jobId: api.id, goal: 'START' }, actor)));
    t.true(isHeliosError(err, 'PORT_CONFLICT'));
    t.like(await store.deployments.get('h1', web.id), { goal: 'START', owner: 'cli', deployerUser: 'tester', deployerMaster: 'm' });
    const desired = await store.deployments.desiredOf('h1');
    t.like(desired, { agentId: 'a1', index: await store.hosts.desiredIndex('h1') });
    t.deepEqual(desired?.tasks.map((task) => task.jobId), [web.id]);
    t.deepEqual(JSON.parse((await store.deployments.taskPageJson('h1', '', 10, 1_000_000)).texts[0]), desired?.tasks[0]);
    await store.write(async (tx) => { await tx.hosts.insert('h2', 'a2', 1, tx.index); });
    t.deepEqual(await store.deployments.desiredOf('h2'), { agentId: 'a2', index: await store.hosts.desiredIndex('h2'), tasks: [] }, 'a host without tasks');
    t.is(await store.deployments.desiredOf('nowhere'), undefined);
    t.deepEqual(await store.deployments.hostJobPairs(), [['h1', web.id]]);
    t.deepEqual(await store.deployments.refsOwnedBy('cli'), [{ jobId: web.id, host: 'h1', goal: 'START' }]);
    await store.write(async (tx) => { t.true(await tx.deployments.setGoal('h1', web.id, 'STOP', tx.index)); });
    t.is((await store.deployments.get('h1', web.id))?.goal, 'STOP');
    await store.write(async (tx) => { t.true(await tx.deployments.remove('h1', web.id)); });
    t.deepEqual(await store.deployments.portHolders('h1', 'tcp', 18080), []);
  });

  test(`${name}: statuses: only a deployed task's, history pruned to the newest 100, paged, reaped`, async (t) => {
    const { store, web } = await webDeployed(t, engine);
    const now = Date.now();
    t.false(await store.write((tx) => tx.statuses.record('h1', running('other:1'), now, now, tx.index)));
    // 105 statuses, each another container's (the same one again would be nothing new).
    for (let i = 0; i < 105; i++) await store.write((tx) => tx.statuses.record('h1', { ...running(web.id), containerId: `c${i}` } as TaskStatus, now + i, now, tx.index));
    // The newest 100 by arrival are kept.
    t.deepEqual((await store.statuses.history(web.id)).map((e) => e.timestamp), Array.from({ length: 100 }, (_, i) => now + 5 + i));
    t.like((await store.statuses.ofHost('h1'))[web.id], { state: 'RUNNING' });
    // A pull's progress is the current status, and no event.
    const progress = { ...running(web.id), state: 'PULLING_IMAGE', pullProgress: { bytesDone: 1, bytesTotal: 2, layersDone: 0, layersTotal: 1 } } as TaskStatus;
    t.true(await store.write((tx) => tx.statuses.record('h1', progress, now + 200, now, tx.index)));
    t.like((await store.statuses.ofHost('h1'))[web.id], { state: 'PULLING_IMAGE', pullProgress: { bytesDone: 1 } });
    t.is((await store.statuses.history(web.id)).at(-1)!.timestamp, now + 104);
    await store.write((tx) => tx.statuses.record('h1', running(web.id), now + 105, now, tx.index));
    t.deepEqual(Object.keys(await store.statuses.ofJob(web.id)), ['h1']);
    const first = await store.statuses.historyPage(web.id, 0, 60, 1_000_000);
    const rest = await store.statuses.historyPage(web.id, first.next!, 60, 1_000_000);
    t.is(first.texts.length + rest.texts.length, 100);
    t.is(rest.next, undefined);
    t.deepEqual([...first.texts, ...rest.texts].map((text) => JSON.parse(text)), await store.statuses.history(web.id));
    t.is(await store.write((tx) => tx.statuses.reapHostHistory('h1', 30)), 30);
    await store.write(async (tx) => { await tx.deployments.remove('h1', web.id); await tx.jobs.remove(web.id); });
    t.deepEqual(await store.write((tx) => tx.statuses.reapJob(web.id, 50)), { events: 50, statuses: 0, done: false });
    t.deepEqual(await store.write((tx) => tx.statuses.reapJob(web.id, 50)), { events: 20, statuses: 1, done: true });
    t.deepEqual(await store.statuses.removedBefore(Date.now() + 1000, 10), []);
  });

  test(`${name}: statuses: tasks counted by host and state, each state written with its status`, async (t) => {
    const { store, web } = await webDeployed(t, engine);
    const api = job('api');
    await store.write(async (tx) => {
      await tx.hosts.insert('h2', 'a2', 1, tx.index);
      await createJob(tx, api, actor);
      for (const host of ['h1', 'h2']) await deploy(tx, { host, jobId: api.id, goal: 'START' }, actor);
    });
    const now = Date.now();
    const starting = { ...running(web.id), state: 'STARTING' } as TaskStatus;
    await store.write(async (tx) => {
      await tx.statuses.record('h1', starting, now, now, tx.index);
      await tx.statuses.record('h1', running(api.id), now, now, tx.index);
      await tx.statuses.record('h2', running(api.id), now, now, tx.index);
    });
    const counts = async () => (await store.statuses.stateCounts()).sort((a, b) => `${a.host}${a.state}`.localeCompare(`${b.host}${b.state}`));
    t.deepEqual(await counts(), [{ host: 'h1', state: 'RUNNING', count: 1 }, { host: 'h1', state: 'STARTING', count: 1 }, { host: 'h2', state: 'RUNNING', count: 1 }]);
    await store.write((tx) => tx.statuses.record('h1', running(web.id), now + 1, now, tx.index));
    t.deepEqual(await counts(), [{ host: 'h1', state: 'RUNNING', count: 2 }, { host: 'h2', state: 'RUNNING', count: 1 }], 'the new state replaces the old');
  });

  test(`${name}: a database of schema 9 gets each stored status's state from its JSON (migration 10)`, async (t) => {
    const db = await engine(t);
    const status = (state: string) => `'${JSON.stringify({ ...running('web:1'), state })}'`;
    await db.older(9, `INSERT INTO task_statuses (host, job_id, status, updated, modify_index) VALUES
      ('h1', 'web:1', ${status('RUNNING')}, 1, 1), ('h1', 'api:1', ${status('EXITED')}, 1, 1), ('h2', 'web:1', ${status('RUNNING')}, 1, 1)`);
    const store = await db.open();
    t.teardown(() => store.close());
    t.deepEqual((await store.statuses.stateCounts()).sort((a, b) => `${a.host}${a.state}`.localeCompare(`${b.host}${b.state}`)),
      [{ host: 'h1', state: 'EXITED', count: 1 }, { host: 'h1', state: 'RUNNING', count: 1 }, { host: 'h2', state: 'RUNNING', count: 1 }]);
  });

  test(`${name}: a status report sent twice (to a master, then to the next) is one history event per status`, async (t) => {
    const { store, web } = await webDeployed(t, engine);
    const now = Date.now();
    const starting = { ...running(web.id), state: 'STARTING' } as TaskStatus;
    const report = [[starting, now], [running(web.id), now + 1]] as const;
    for (let sent = 0; sent < 2; sent++) {
      await store.write(async (tx) => { for (const [status, at] of report) await tx.statuses.record('h1', status, at, now, tx.index); });
    }
    t.deepEqual((await store.statuses.history(web.id)).map((e) => [e.status.state, e.timestamp]), [['STARTING', now], ['RUNNING', now + 1]]);
    // The status held, sent again at another time (an agent's resync), is nothing new; another status
    // at the same time is an event of its own, and so is the first one again once another is held.
    await store.write((tx) => tx.statuses.record('h1', running(web.id), now + 2, now, tx.index));
    await store.write((tx) => tx.statuses.record('h1', { ...running(web.id), containerId: 'c2' } as TaskStatus, now + 2, now, tx.index));
    await store.write((tx) => tx.statuses.record('h1', running(web.id), now + 3, now, tx.index));
    t.deepEqual((await store.statuses.history(web.id)).map((e) => [e.status.containerId, e.timestamp]),
      [['c1', now], ['c1', now + 1], ['c2', now + 2], ['c1', now + 3]]);
    t.like((await store.statuses.ofJob(web.id)).h1, { state: 'RUNNING', containerId: 'c1' });
  });

  test(`${name}: hosts (counted by last heartbeat), sync sources and the audit log`, async (t) => {
    const store = await storeOf(t, engine);
    await store.write(async (tx) => {
      await tx.hosts.insert('h1', 'a1', 1, tx.index);
      await tx.hosts.heartbeat('h1', { id: 'a1', hostInfo: null, agentInfo: null, labels: { zone: 'a' }, environment: {}, dockerError: null } as never, 5, tx.index);
      await tx.hosts.insert('h2', 'a2', 2, tx.index);
      await tx.syncSources.register('s', { repo: 'http://git/r.git', branch: 'main', path: 'jobs' }, tx.index);
      for (let i = 0; i < 5; i++) await tx.audit.record({ timestamp: i, token: 'ops', user: null, action: 'deploy', jobId: `j${i % 2}:1`, host: 'h1' });
    });
    t.like(await store.hosts.get('h1'), { agentId: 'a1', lastSeen: 5, labels: { zone: 'a' } });
    t.deepEqual((await store.hosts.list()).map((h) => h.name), ['h1', 'h2']);
    t.deepEqual(await store.hosts.silentSince(4, 10), ['h2']);
    t.deepEqual(await store.hosts.countSeenSince(5), { total: 2, seen: 1 }, 'h2 never sent a heartbeat');
    t.deepEqual(await store.hosts.countSeenSince(6), { total: 2, seen: 0 });
    t.like(await store.syncSources.get('s'), { state: 'REGISTERED', repo: 'http://git/r.git', errors: [], warnings: [] });
    t.deepEqual(await store.syncSources.unusedSince(Date.now() + 1000, 10), ['s']);
    t.deepEqual(await store.syncSources.unusedSince(0, 10), []);
    const events = await store.audit.list({ jobId: 'j0:1', limit: 10 });
    t.deepEqual(events.map((e) => e.timestamp), [4, 2, 0]);
    t.deepEqual((await store.audit.list({ before: events[0].seq, limit: 10 })).map((e) => e.timestamp), [3, 2, 1, 0]);
    t.is(await store.audit.prune(2), 3);
    t.is((await store.audit.list({ limit: 10 })).length, 2);
  });

  test(`${name}: two masters deploying one job on one host at once: one deploys, the other is JOB_ALREADY_DEPLOYED`, async (t) => {
    const db = await engine(t);
    const a = await db.open();
    t.teardown(() => a.close());
    // SQLite allows one master per file: there the two writes come from one store at once.
    const b = name === 'sqlite' ? a : await db.open();
    if (b !== a) t.teardown(() => b.close());
    const web = job('web');
    await a.write(async (tx) => { await tx.hosts.insert('h1', 'a1', 1, tx.index); await createJob(tx, web, actor); });
    for (let round = 0; round < 5; round++) {
      const results = await Promise.allSettled([a, b].map((store) => store.write((tx) => deploy(tx, { host: 'h1', jobId: web.id, goal: 'START' }, actor))));
      t.is(results.filter((r) => r.status === 'fulfilled').length, 1, `round ${round}`);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      t.true(isHeliosError(refused.reason, 'JOB_ALREADY_DEPLOYED'), String(refused.reason));
      await a.write(async (tx) => { await tx.deployments.remove('h1', web.id); });
    }
  });

  test(`${name}: two masters deploying two jobs on one static port at once: one deploys, the other is PORT_CONFLICT`, async (t) => {
    const db = await engine(t);
    const a = await db.open();
    t.teardown(() => a.close());
    const b = name === 'sqlite' ? a : await db.open();
    if (b !== a) t.teardown(() => b.close());
    const jobs = [job('web', { ports: { http: { internalPort: 80, externalPort: 18080 } } }), job('api', { ports: { http: { internalPort: 80, externalPort: 18080 } } })];
    await a.write(async (tx) => { await tx.hosts.insert('h1', 'a1', 1, tx.index); for (const j of jobs) await createJob(tx, j, actor); });
    const results = await Promise.allSettled([a, b].map((store, i) => store.write((tx) => deploy(tx, { host: 'h1', jobId: jobs[i].id, goal: 'START' }, actor))));
    t.is(results.filter((r) => r.status === 'fulfilled').length, 1);
    t.true(isHeliosError((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason, 'PORT_CONFLICT'));
    t.is((await a.deployments.portHolders('h1', 'tcp', 18080)).length, 1);
  });

  test(`${name}: a deploy racing the job's removal: the job is removed and not deployed, or deployed and not removed`, async (t) => {
    const db = await engine(t);
    const a = await db.open();
    t.teardown(() => a.close());
    const b = name === 'sqlite' ? a : await db.open();
    if (b !== a) t.teardown(() => b.close());
    await a.write(async (tx) => { await tx.hosts.insert('h1', 'a1', 1, tx.index); });
    for (let round = 0; round < 5; round++) {
      const web = job(`web${round}`);
      await a.write((tx) => createJob(tx, web, actor));
      const [deployed, removed] = await Promise.allSettled([
        a.write((tx) => deploy(tx, { host: 'h1', jobId: web.id, goal: 'START' }, actor)),
        b.write((tx) => removeJob(tx, web.id, actor)),
      ]);
      const there = await a.jobs.get(web.id);
      const deployment = await a.deployments.get('h1', web.id);
      if (deployed.status === 'fulfilled') {
        t.is(removed.status, 'rejected');
        t.true(isHeliosError((removed as PromiseRejectedResult).reason, 'STILL_IN_USE'));
        t.truthy(there);
        t.truthy(deployment);
      } else {
        t.is(removed.status, 'fulfilled');
        t.true(isHeliosError(deployed.reason, 'JOB_NOT_FOUND'), String(deployed.reason));
        t.is(there, undefined);
        t.is(deployment, undefined);
      }
    }
  });
}

test('postgres: a listening connection cut (the server restarted, a proxy dropped it) is made anew, and every host is heard as changed, so no blocking query waits for its re-check', async (t) => {
  const url = await createTestDatabase(t);
  const store = await openStore(url);
  t.teardown(() => store.close());
  const written = await store.write(async (tx) => { await tx.hosts.insert('h1', 'a1', 1, tx.index); tx.touchHost('h1'); return tx.index; });
  const heard: Array<[string[] | 'all', number]> = [];
  store.onHostsChanged((hosts, index) => heard.push([hosts, index]));
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  t.teardown(() => admin.end());
  const { rows } = await admin.query<{ cut: boolean }>(
    "SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'");
  t.deepEqual(rows.map((r) => r.cut), [true], 'one listening connection, cut');
  const cutAt = Date.now();
  await waitFor(() => heard.length > 0, { timeoutMs: 10_000, intervalMs: 20, message: 'heard after the connection came back' });
  t.log(`every host heard as changed ${Date.now() - cutAt} ms after the cut`);
  t.deepEqual(heard.map(([hosts]) => hosts), ['all']);
  t.true(heard[0][1] >= written, 'with the index as of the reconnect');
});

test('postgres: ids sort and page byte by byte, as on SQLite, in a database whose locale is English (migration 12), new or upgraded', async (t) => {
  const server = process.env.HELIOS_TEST_PG!;
  const ids = ['web_1:1', 'api:1', 'Web:1', 'API:2', 'b-2:1', 'B:1'];
  const bytewise = [...ids].sort();
  for (const upgraded of [false, true]) {
    const name = `t_icu_${upgraded ? 'old' : 'new'}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} LOCALE_PROVIDER icu ICU_LOCALE 'en' LOCALE 'C.UTF-8' TEMPLATE template0`);
    await admin.end();
    t.teardown(async () => {
      const drop = new pg.Client({ connectionString: server });
      await drop.connect();
      await drop.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await drop.end();
    });
    const url = Object.assign(new URL(server), { pathname: `/${name}` }).toString();
    if (upgraded) {
      // A database of schema 11, made before migration 12: its text columns take the database's English collation.
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query('CREATE TABLE meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL); CREATE SEQUENCE helios_index; CREATE TABLE masters (name TEXT PRIMARY KEY, url TEXT NOT NULL, last_seen BIGINT NOT NULL)');
      for (const migration of postgresMigrations.slice(0, 11)) await client.query(migration.replaceAll(' COLLATE "C"', ''));
      await client.query("INSERT INTO meta VALUES ('schemaVersion', 11)");
      const english = (await client.query<{ id: string }>(`SELECT unnest($1::text[]) AS id ORDER BY 1`, [ids])).rows.map((r) => r.id);
      t.notDeepEqual(english, bytewise, 'the database\'s own order is not bytewise');
      await client.end();
    }
    const store = await openStore(url);
    t.teardown(() => store.close());
    await store.write(async (tx) => { for (const id of ids) await createJob(tx, buildJob({ id, image: 'busybox:latest' }).job, actor); });
    const listed = (await store.jobs.listJson()).map(([id]) => id.split(':').slice(0, 2).join(':'));
    t.deepEqual(listed, bytewise, upgraded ? 'upgraded' : 'new');
    // Paged three at a time, the pages follow the same order.
    const paged: string[] = [];
    for (let after = ''; ;) {
      const page = await store.jobs.pageJson(after, 3, 1_000_000, () => true);
      paged.push(...page.texts.map((text) => Object.keys(JSON.parse(`{${text}}`) as object)[0]));
      if (page.next === undefined) break;
      after = page.next;
    }
    t.deepEqual(paged.map((id) => id.split(':').slice(0, 2).join(':')), bytewise);
  }
});
