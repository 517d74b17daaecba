/**
 * `helios-master migrate --from FILE --to postgres://…`: a cluster moved from its SQLite file to
 * PostgreSQL answers every API call as before, and its agent keeps its container; bad inputs are
 * refused naming what is wrong, with the target left as it was.
 */
import test, { type ExecutionContext } from 'ava';
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HeliosClient } from '../core/index.js';
import { dumpDb, runMasterCommand, startTestMaster } from './harness/master.js';
import { createTestDatabase } from './harness/postgres.js';
import { agentContainers, deployJob, dockerClient, startTestAgent, taskStatus, uniqueName, waitForState } from './harness/agent.js';
import { tempDir } from './harness/processes.js';

const LONG = 10 * 60_000; // no host goes DOWN between the two readings

/** What a client reads of the whole cluster. */
async function everything(client: HeliosClient, agent: { host: string; id: string }) {
  const jobs = await client.jobs.list();
  const ids = Object.keys(jobs).sort();
  const hosts = await client.hosts.list();
  return {
    jobs,
    statuses: await client.jobs.statuses(ids),
    history: await Promise.all(ids.map((id) => client.jobs.history(id))),
    hosts,
    hostStatuses: await client.hosts.statuses(hosts),
    sources: await client.sync.sources(),
    audit: await client.audit(),
    tasks: await client.agents.tasks(agent.host, 0, 0, { agentId: agent.id }),
  };
}

test('a cluster moved from SQLite to PostgreSQL answers as before, its index keeps growing, and its agent keeps its container', async (t) => {
  const dir = await tempDir('helios-migrate-');
  t.teardown(dir.cleanup);
  const stateDir = join(dir.path, 'agent');
  const dbPath = join(dir.path, 'master.db');
  const onSqlite = await startTestMaster({ dbPath, downAfterMs: LONG });
  t.teardown(onSqlite.close);
  const name = uniqueName('migrate');
  const agent = await startTestAgent(t, onSqlite, { name, stateDir, labels: { role: 'web' } });
  const web = await deployJob(onSqlite, name, { name: 'web', command: ['sleep', '3600'] });
  const running = await waitForState(onSqlite, web, name, 'RUNNING', 60_000);
  const startedAt = (await dockerClient().getContainer(running.containerId!).inspect()).State.StartedAt;
  // A GitOps source with a stopped job (no container), and a job deployed and undeployed (history only).
  await onSqlite.client.sync.apply('apps', {
    repo: 'http://127.0.0.1/repo.git', branch: 'main', path: 'jobs', commit: 'c1', errors: [],
    jobs: [{ file: 'jobs/batch.yaml', hosts: [name], goal: 'STOP', spec: { name: 'batch', version: '1', image: 'busybox:latest' } }],
  });
  const batch = (await onSqlite.client.jobs.list({ q: 'batch' }));
  const batchId = Object.keys(batch)[0];
  await waitForState(onSqlite, batchId, name, 'STOPPED');
  await onSqlite.client.hosts.register('spare', 'id-spare');
  await agent.stop(); // its heartbeats would move the index between the two readings
  const me = { host: name, id: (JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as { agentId: string }).agentId };
  const before = await everything(onSqlite.client, me);
  await onSqlite.close();
  const { index: sqliteIndex, clusterId } = readSqlite(dbPath);

  const url = await createTestDatabase(t);
  const migrated = await runMasterCommand(['migrate', '--from', dbPath, '--to', url]);
  t.is(migrated.code, 0, migrated.stderr);
  t.regex(migrated.stdout, new RegExp(`index ${sqliteIndex}, cluster ${clusterId}`));
  t.regex(migrated.stdout, /^ {2}jobs +2$/m);
  t.regex(migrated.stdout, /^ {2}deployments +2$/m);
  t.regex(migrated.stdout, /^ {2}hosts +2$/m);

  const onPostgres = await startTestMaster({ dbPath: url, downAfterMs: LONG });
  t.teardown(onPostgres.close);
  t.deepEqual(await everything(onPostgres.client, me), before);
  t.is(before.tasks.clusterId, clusterId);

  // The agent, back on the new master, finds its container and runs nothing again. A new write goes
  // past the copied index; once the agent reports the new job, it has acted on its whole desired set.
  const again = await startTestAgent(t, onPostgres, { name, stateDir, labels: { role: 'web' } });
  const later = await deployJob(onPostgres, name, { name: 'later' }, 'STOP');
  const tasks = await onPostgres.client.agents.tasks(name, 0, 0, { agentId: me.id });
  t.true(tasks.index > sqliteIndex, `${tasks.index} > ${sqliteIndex}`);
  await waitForState(onPostgres, later, name, 'STOPPED');
  const containers = await agentContainers(again.name);
  t.deepEqual(containers.map((c) => c.Id), [running.containerId]);
  const inspected = await dockerClient().getContainer(running.containerId!).inspect();
  t.is(inspected.State.StartedAt, startedAt, 'never restarted');
  t.like(await taskStatus(onPostgres, web, name), { state: 'RUNNING', containerId: running.containerId });
});

function readSqlite(dbPath: string) {
  const db = new Database(dbPath, { readonly: true });
  try {
    return {
      index: db.prepare<[], { value: number }>("SELECT value FROM meta WHERE key = 'index'").get()!.value,
      clusterId: db.prepare<[], { id: string }>('SELECT id FROM cluster').get()!.id,
    };
  } finally {
    db.close();
  }
}

/** A SQLite file of a master that made one job, closed. */
async function sqliteCluster(t: { teardown(fn: () => Promise<void>): void }) {
  const dir = await tempDir('helios-migrate-');
  t.teardown(dir.cleanup);
  const dbPath = join(dir.path, 'master.db');
  const master = await startTestMaster({ dbPath });
  await master.client.jobs.create({ id: 'web:1', image: 'busybox:latest' });
  await master.close();
  return { dbPath, dir: dir.path };
}

/** Runs migrate, expecting exit 1 with `message`, and the target's tables and rows unchanged. */
async function refused(t: ExecutionContext, args: string[], url: string, message: RegExp) {
  const before = await dumpDb(url);
  const run = await runMasterCommand(['migrate', ...args, '--to', url]);
  t.is(run.code, 1, run.stdout);
  t.regex(run.stderr, message);
  t.notRegex(run.stderr, /\n\s+at /, 'a message, not a stack trace');
  t.deepEqual(await dumpDb(url), before);
}

test('refused: a missing file, a file a newer master wrote, a file a master is serving from', async (t) => {
  const url = await createTestDatabase(t);
  const { dbPath, dir } = await sqliteCluster(t);
  await refused(t, ['--from', join(dir, 'nothing.db')], url, /--from \S*nothing\.db: no such file/);

  const serving = await startTestMaster({ dbPath });
  await refused(t, ['--from', dbPath], url, /--from \S*master\.db is in use by a running helios-master \(pid \d+.*stop it first/);
  await serving.close();

  const db = new Database(dbPath);
  db.prepare("UPDATE meta SET value = 99 WHERE key = 'schemaVersion'").run();
  db.close();
  await refused(t, ['--from', dbPath], url, /master\.db has schema version 99, but this master knows versions up to \d+/);
});

test('refused: a target that already holds a cluster, named with what it holds; an empty one made by a master is taken', async (t) => {
  const { dbPath } = await sqliteCluster(t);
  const url = await createTestDatabase(t);
  const other = await startTestMaster({ dbPath: url });
  await other.client.jobs.create({ id: 'other:1', image: 'busybox:latest' });
  await other.close();
  await refused(t, ['--from', dbPath], url, /--to postgres:\/\/\S+ already holds a cluster \(.*jobs: 1 rows.*\): give an empty database/);

  // A master started on an empty database made its schema and a cluster id, but no cluster yet.
  const empty = await createTestDatabase(t);
  await (await startTestMaster({ dbPath: empty })).close();
  const run = await runMasterCommand(['migrate', '--from', dbPath, '--to', empty]);
  t.is(run.code, 0, run.stderr);
  const after = await startTestMaster({ dbPath: empty });
  t.teardown(after.close);
  t.deepEqual(Object.keys(await after.client.jobs.list()).map((id) => id.split(':').slice(0, 2).join(':')), ['web:1']);
  t.deepEqual((await dumpDb(empty)).cluster, [{ singleton: 1, id: readSqlite(dbPath).clusterId }]);
});

test('refused: --to that is no PostgreSQL URL, or no --to at all', async (t) => {
  const { dbPath } = await sqliteCluster(t);
  const notUrl = await runMasterCommand(['migrate', '--from', dbPath, '--to', '/tmp/other.db']);
  t.is(notUrl.code, 1);
  t.regex(notUrl.stderr, /--to "\/tmp\/other\.db" is not a PostgreSQL URL/);
  const none = await runMasterCommand(['migrate', '--from', dbPath]);
  t.is(none.code, 2);
  t.regex(none.stderr, /migrate needs --to postgres:\/\//);
});
