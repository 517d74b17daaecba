/**
 * The master's disk fills up: its database lives on a small tmpfs of its own, and a filler file takes
 * the rest. Writes must answer 507 DISK_FULL with a clear message, reads keep working, the file stays
 * sound (helios-master check, and a restart that finds every acknowledged write), and writes succeed
 * again once the filler is removed, without a restart.
 */
import test, { type ExecutionContext } from 'ava';
import { execFile } from 'node:child_process';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createClient } from '../../core/index.js';
import { tempDir } from '../harness/processes.js';
import { heartbeatBody, runMasterCommand, spawnMaster, urlOf } from '../harness/master.js';

const run = promisify(execFile);
const DISK_FULL_MESSAGE = "the master's disk is full: nothing was written (reads still work); free space on the disk of its database, then retry";
// A job of about 150 KB (under --max-job-bytes): the WAL must grow past what it had within a few.
const PAD = 'x'.repeat(150_000);
// More than the WAL can hold at its largest (about 4 MB before a checkpoint) divided by a job's size.
const MAX_WRITES_BEFORE_FULL = 60;

/** A tmpfs of `size` mounted in a temp dir, unmounted at teardown. A failed mount fails the test with its reason. */
async function smallDisk(t: ExecutionContext, size: string): Promise<string> {
  const dir = await tempDir('helios-disk-full-');
  const mnt = join(dir.path, 'disk');
  await mkdir(mnt);
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', mnt]);
  } catch (err) {
    await dir.cleanup();
    throw new Error(`cannot mount a tmpfs for the master's disk (the fault tests run as root): ${(err as Error).message}`);
  }
  t.teardown(async () => {
    await run('umount', ['-l', mnt]);
    await dir.cleanup();
  });
  return mnt;
}

/** Writes zeros to `path` until the file system has no byte left (ENOSPC). */
async function fill(path: string): Promise<void> {
  const file = await open(path, 'w');
  try {
    for (const size of [1 << 20, 4096, 1]) {
      const chunk = Buffer.alloc(size);
      try {
        for (;;) await file.write(chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      }
    }
  } finally {
    await file.close();
  }
}

const post = async (url: string, path: string, body: unknown, method = 'POST') => {
  const res = await fetch(url + path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() as { status?: string; message?: string } };
};

test('on a full disk writes answer 507 DISK_FULL, reads and check keep working, and writes succeed again once space is freed', async (t) => {
  const disk = await smallDisk(t, '16m');
  const db = join(disk, 'master.db');
  const master = spawnMaster(['--db', db]);
  t.teardown(() => master.kill('SIGKILL'));
  const url = await urlOf(master);
  const client = createClient({ baseUrl: url });
  await client.hosts.register('h1', 'agent-1');
  await client.agents.heartbeat('h1', heartbeatBody('agent-1'));
  const acknowledged: string[] = [];
  for (let i = 0; i < 5; i++) acknowledged.push((await client.jobs.create({ id: `before-${i}:1`, image: 'busybox:latest', env: { PAD } })).id);

  const filler = join(disk, 'filler');
  await fill(filler);
  // The WAL reuses the room it already has: writes go on until it must grow.
  let refused: Awaited<ReturnType<typeof post>> | undefined;
  for (let i = 0; i < MAX_WRITES_BEFORE_FULL && !refused; i++) {
    const answer = await post(url, '/jobs', { id: `filling-${i}:1`, image: 'busybox:latest', env: { PAD } });
    if (answer.status === 200) acknowledged.push((answer.body as { id: string }).id);
    else refused = answer;
  }
  t.truthy(refused, `${MAX_WRITES_BEFORE_FULL} writes of 150 KB were all taken on a full disk`);
  t.is(refused!.status, 507, JSON.stringify(refused!.body));
  t.deepEqual(refused!.body, { status: 'DISK_FULL', message: DISK_FULL_MESSAGE });

  // Every kind of write is refused the same way; none crashes the master.
  const job = acknowledged[0];
  for (const [path, body, method] of [
    ['/jobs', { id: 'small:1', image: 'busybox:latest' }, 'POST'],
    [`/hosts/h1/jobs/${encodeURIComponent(job)}`, { goal: 'START' }, 'PUT'],
    ['/agents/h1/heartbeat', heartbeatBody('agent-1'), 'POST'],
    ['/sync/sources/apps', { repo: 'r', branch: 'main', path: 'jobs', commit: 'c1', errors: [], jobs: [{ file: 'jobs/a.yaml', spec: { name: 'a', version: '1', image: 'busybox:latest', env: { PAD } }, hosts: ['h1'], goal: 'START' }] }, 'PUT'],
  ] as const) {
    const answer = await post(url, path, body, method);
    t.is(answer.status, 507, `${method} ${path}: ${JSON.stringify(answer.body)}`);
    t.is(answer.body.message, DISK_FULL_MESSAGE, `${method} ${path}`);
  }

  // Reads keep working, and see every acknowledged write and nothing of the refused ones.
  t.deepEqual(Object.keys(await client.jobs.list()).sort(), [...acknowledged].sort());
  t.is((await client.jobs.get(job)).env.PAD, PAD);
  t.is((await client.hosts.status('h1')).status, 'UP');
  t.is((await fetch(`${url}/healthz`)).status, 200);
  const check = await runMasterCommand(['check', '--db', db]);
  t.is(check.code, 0, check.stderr);
  t.regex(check.stdout, /: ok \(integrity_check and foreign_key_check found nothing wrong/);

  // Space comes back: writes succeed again, with no restart.
  await rm(filler);
  const after = await client.jobs.create({ id: 'after:1', image: 'busybox:latest', env: { PAD } });
  acknowledged.push(after.id);
  await client.deployments.deploy('h1', job);
  await client.agents.heartbeat('h1', heartbeatBody('agent-1'));

  // And a master killed now and started again finds exactly what it acknowledged.
  await master.kill('SIGKILL');
  const again = spawnMaster(['--db', db]);
  t.teardown(() => again.kill('SIGKILL'));
  const restarted = createClient({ baseUrl: await urlOf(again) });
  t.deepEqual(Object.keys(await restarted.jobs.list()).sort(), [...acknowledged].sort());
  t.deepEqual(Object.keys((await restarted.hosts.status('h1')).jobs), [job]);
  const final = await runMasterCommand(['check', '--db', db]);
  t.is(final.code, 0, final.stderr);
});
