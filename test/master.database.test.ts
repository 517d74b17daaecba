/**
 * The master's database file as an operator meets it: private file modes, a lock held by another
 * process (503 at once, not a frozen master), --sync-mode (seen through strace: which answers wait for
 * an fsync of the WAL), and `helios-master backup` and `check` while a master serves from the file.
 * SQLite only: every test here is about the file; a PostgreSQL database's files, locks and backups
 * are the server's (test/faults/postgresRestart has a server stopped under the masters).
 */
import test, { type ExecutionContext } from 'ava';
import Database from 'better-sqlite3';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from '../core/index.js';
import { spawnProcess, tempDir } from './harness/processes.js';
import { expectError, runMasterCommand, spawnMaster, startTestMaster, urlOf } from './harness/master.js';

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
const root = new URL('..', import.meta.url).pathname;

test('the master creates its folders 0700 and its database, WAL, shared memory and lock files 0600', async (t) => {
  const dir = await tempDir('helios-modes-');
  t.teardown(dir.cleanup);
  const dbPath = join(dir.path, 'home', 'state', 'master.db');
  const m = await startTestMaster({ dbPath });
  t.teardown(m.close);
  await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest', env: { SECRET: 's3cret' } });
  t.is(mode(join(dir.path, 'home')), '700');
  t.is(mode(join(dir.path, 'home', 'state')), '700');
  for (const file of ['master.db', 'master.db-wal', 'master.db-shm', 'master.db.lock']) t.is(mode(join(dir.path, 'home', 'state', file)), '600', file);
});

test('a write meeting another process\'s lock on the database answers 503 DATABASE_BUSY with Retry-After at once; reads go on; the write succeeds once it is released', async (t) => {
  const m = await startTestMaster();
  t.teardown(m.close);
  await m.client.jobs.create({ id: 'before:1', image: 'busybox:latest' });
  const shell = new Database(m.dbPath); // an operator's sqlite3 holding a write transaction
  t.teardown(() => shell.close());
  shell.exec('BEGIN IMMEDIATE');
  const res = await fetch(`${m.url}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'web:1', image: 'busybox:latest' }) });
  t.is(res.status, 503);
  t.is(res.headers.get('retry-after'), '1');
  t.like(await res.json(), { status: 'DATABASE_BUSY', retryAfter: 1 });
  await expectError(t, m.client.jobs.create({ id: 'web:1', image: 'busybox:latest' }), 'DATABASE_BUSY');
  t.deepEqual(Object.keys(await m.client.jobs.list()).map((id) => id.split(':')[0]), ['before'], 'reads are not held by the lock');
  shell.exec('ROLLBACK');
  t.truthy((await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest' })).id);
});

/** A master under strace, counting the fsyncs of its WAL; `fsyncs()` reads the count so far. */
async function tracedMaster(t: ExecutionContext, syncMode: string) {
  const dir = await tempDir('helios-sync-mode-');
  t.teardown(dir.cleanup);
  const trace = join(dir.path, 'strace.txt');
  const db = join(dir.path, 'master.db');
  const master = spawnProcess('strace', ['-f', '-y', '-e', 'trace=fsync,fdatasync', '-o', trace,
    process.execPath, '--import', 'tsx', 'master/bin.ts', '--http', '127.0.0.1:0', '--db', db, '--sync-mode', syncMode], { cwd: root });
  t.teardown(() => master.kill('SIGKILL'));
  const client = createClient({ baseUrl: await urlOf(master) });
  const fsyncs = () => readFileSync(trace, 'utf8').split('\n').filter((line) => line.includes(`${db}-wal>`) && /= 0$/.test(line)).length;
  return { client, fsyncs };
}

test('--sync-mode full answers a write only after an fsync of the WAL that followed it; normal answers without one', async (t) => {
  const full = await tracedMaster(t, 'full');
  for (let i = 0; i < 5; i++) {
    const before = full.fsyncs();
    await full.client.jobs.create({ id: `full-${i}:1`, image: 'busybox:latest' });
    t.true(full.fsyncs() > before, `create ${i} was answered before its WAL was fsynced`);
  }
  const normal = await tracedMaster(t, 'normal');
  await normal.client.jobs.create({ id: 'warm-up:1', image: 'busybox:latest' });
  const before = normal.fsyncs();
  for (let i = 0; i < 5; i++) await normal.client.jobs.create({ id: `normal-${i}:1`, image: 'busybox:latest' });
  t.is(normal.fsyncs(), before, 'normal fsyncs at checkpoints only');
});

test('helios-master backup copies the database while a master writes to it, and check judges the copy and the original', async (t) => {
  const dir = await tempDir('helios-backup-');
  t.teardown(dir.cleanup);
  const db = join(dir.path, 'master.db');
  const master = spawnMaster(['--db', db]);
  t.teardown(() => master.kill('SIGKILL'));
  const client = createClient({ baseUrl: await urlOf(master) });
  for (let i = 0; i < 50; i++) await client.jobs.create({ id: `before-${i}:1`, image: 'busybox:latest' });
  const backup = join(dir.path, 'backup.db');
  // Writes go on while the backup runs; it copies one snapshot, with at least every job made before it.
  let writing = true;
  const writer = (async () => {
    for (let i = 0; writing; i++) await client.jobs.create({ id: `during-${i}:1`, image: 'busybox:latest' });
  })();
  const result = await runMasterCommand(['backup', backup, '--db', db]);
  writing = false;
  await writer;
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, new RegExp(`^${backup}: a backup of ${db} at index \\d+, \\d+ bytes, quick_check ok\\n$`));
  t.is(mode(backup), '600');
  t.false(existsSync(`${backup}-wal`), 'the backup is one self-contained file');
  const copy = new Database(backup, { readonly: true });
  const names = (copy.prepare('SELECT name FROM jobs').all() as { name: string }[]).map((r) => r.name);
  copy.close();
  for (let i = 0; i < 50; i++) t.true(names.includes(`before-${i}`), `before-${i}`);

  const again = await runMasterCommand(['backup', backup, '--db', db]);
  t.is(again.code, 1);
  t.is(again.stderr, `helios-master: ${backup} exists: give a file that does not (a backup never overwrites one)\n`);

  for (const file of [db, backup]) {
    const check = await runMasterCommand(['check', '--db', file]);
    t.is(check.code, 0, check.stderr);
    t.regex(check.stdout, /: ok \(integrity_check and foreign_key_check found nothing wrong; index \d+\)\n$/);
  }
  t.truthy(await client.jobs.create({ id: 'after:1', image: 'busybox:latest' }), 'the master served throughout');
});

test('helios-master check exits 1 naming what is wrong with a damaged database, and 1 for a file that is none', async (t) => {
  const dir = await tempDir('helios-check-');
  t.teardown(dir.cleanup);
  const db = join(dir.path, 'master.db');
  const m = await startTestMaster({ dbPath: db });
  for (let i = 0; i < 200; i++) await m.client.jobs.create({ id: `job-${i}:1`, image: 'busybox:latest', env: { PAD: 'x'.repeat(500) } });
  await m.close();
  // Damage an index page: the rows stay readable, the index no longer matches them.
  const raw = new Database(db);
  const { rootpage } = raw.prepare("SELECT rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'jobs' LIMIT 1").get() as { rootpage: number };
  const pageSize = raw.pragma('page_size', { simple: true }) as number;
  raw.close();
  const bytes = readFileSync(db);
  bytes.fill(0x55, (rootpage - 1) * pageSize + 100, rootpage * pageSize - 100);
  writeFileSync(db, bytes);
  const damaged = await runMasterCommand(['check', '--db', db]);
  t.is(damaged.code, 1);
  t.regex(damaged.stderr, new RegExp(`^${db}: damaged \\(\\d+ problems?\\):\\n  .+`));
  t.regex(damaged.stderr, /restore a backup/);

  const notADb = join(dir.path, 'notes.txt');
  writeFileSync(notADb, 'just some text, not SQLite at all\n'.repeat(200));
  const none = await runMasterCommand(['check', '--db', notADb]);
  t.is(none.code, 1);
  t.regex(none.stderr, /file is not a database/);
  const missing = await runMasterCommand(['check', '--db', join(dir.path, 'missing.db')]);
  t.is(missing.code, 1);
  t.is(missing.stderr, `helios-master: ${join(dir.path, 'missing.db')}: no such database (give --db PATH)\n`);
});
