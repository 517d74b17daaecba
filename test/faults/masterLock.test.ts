/**
 * One master per database file (review F19): a second master on the file is refused naming the
 * first, masters started at the same moment end with exactly one serving, and a master killed with
 * -9 leaves a lock file that the next one takes over at once (the lock is the kernel's, dropped
 * with the process; there is nothing stale to clean up).
 */
import test from 'ava';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from '../../core/index.js';
import { DatabaseInUseError } from '../../master/store/dbLock.js';
import { freePort, tempDir } from '../harness/processes.js';
import { spawnMaster, startTestMaster, urlOf } from '../harness/master.js';

const inUse = (db: string, pid: number, listen: string) => new RegExp(
  `^helios-master: the database ${db} is in use by another helios-master \\(pid ${pid} on host [^,]+, --http ${listen}, since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\): `
  + 'stop that one first, or give this one its own --db\\n$');

test('a second master on the same database exits 1 naming the pid and address of the first, which serves on', async (t) => {
  const dir = await tempDir('helios-lock-');
  t.teardown(dir.cleanup);
  const db = join(dir.path, 'master.db');
  const listen = `127.0.0.1:${await freePort()}`;
  const first = spawnMaster(['--db', db, '--http', listen]);
  t.teardown(() => first.kill('SIGKILL'));
  const client = createClient({ baseUrl: await urlOf(first) });
  await client.jobs.create({ id: 'web:1', image: 'busybox:latest' });

  const second = spawnMaster(['--db', db]);
  t.is((await second.exited).code, 1);
  t.regex(second.stderr, inUse(db, first.pid!, listen));
  t.notRegex(second.stdout, /master listening/);
  t.deepEqual(Object.keys(await client.jobs.list()).map((id) => id.split(':')[0]), ['web']);

  // In one process too (the lock is SQLite's, which tells its own connections apart).
  const error = await t.throwsAsync(startTestMaster({ dbPath: db }), { instanceOf: DatabaseInUseError });
  t.is(error?.holder?.pid, first.pid);
});

test('masters started on one database at the same moment: exactly one serves, the others exit 1 naming it', async (t) => {
  const dir = await tempDir('helios-lock-race-');
  t.teardown(dir.cleanup);
  const db = join(dir.path, 'master.db');
  const masters = Array.from({ length: 3 }, () => spawnMaster(['--db', db]));
  for (const master of masters) t.teardown(() => master.kill('SIGKILL'));
  // The winner serves until the teardown; the others exit. Wait for each to do one or the other.
  const outcomes = await Promise.all(masters.map((master) => Promise.race([
    urlOf(master).then(() => 'serving' as const, () => 'exited' as const),
    master.exited.then(() => 'exited' as const),
  ])));
  t.deepEqual(outcomes.filter((o) => o === 'serving').length, 1, outcomes.join(', '));
  const winner = masters[outcomes.indexOf('serving')];
  for (const [i, master] of masters.entries()) {
    if (master === winner) continue;
    t.is((await master.exited).code, 1, `master ${i}: ${master.stderr}`);
    t.regex(master.stderr, inUse(db, winner.pid!, '127\\.0\\.0\\.1:0'), `master ${i}`);
  }
});

test('a master killed with -9 leaves its lock file, and the next master takes it over at once', async (t) => {
  const dir = await tempDir('helios-lock-kill-');
  t.teardown(dir.cleanup);
  const db = join(dir.path, 'master.db');
  const first = spawnMaster(['--db', db]);
  t.teardown(() => first.kill('SIGKILL'));
  const { id } = await createClient({ baseUrl: await urlOf(first) }).jobs.create({ id: 'web:1', image: 'busybox:latest' });
  t.is((await first.kill('SIGKILL')).signal, 'SIGKILL');
  t.true(existsSync(`${db}.lock`), 'the lock file stays; the lock was the process\'s');

  const next = spawnMaster(['--db', db]);
  t.teardown(() => next.kill('SIGKILL'));
  const client = createClient({ baseUrl: await urlOf(next) });
  t.is((await client.jobs.get(id)).id, id);
  // The lock now names the new holder.
  const third = spawnMaster(['--db', db]);
  t.is((await third.exited).code, 1);
  t.regex(third.stderr, inUse(db, next.pid!, '127\\.0\\.0\\.1:0'));
});
