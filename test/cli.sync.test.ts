/** `helios sync status`, and git-owned deployments refused without --force, against a real master. */
import test, { type ExecutionContext } from 'ava';
import type { SyncApplyRequest } from '../core/index.js';
import { startTestMaster, type TestMaster } from './harness/master.js';
import { helios, tableRows } from './cliHarness.js';

const COMMIT_1 = 'a'.repeat(40);
const COMMIT_2 = 'b'.repeat(40);

function commit(commitId: string, jobs: SyncApplyRequest['jobs'], errors: SyncApplyRequest['errors'] = []): SyncApplyRequest {
  return { repo: 'http://127.0.0.1:9/ops.git', branch: 'main', path: 'jobs', commit: commitId, jobs, errors };
}

const webFile = (hosts: string[]) => ({
  file: 'jobs/web.yaml',
  spec: { name: 'web', version: '1', image: 'busybox:latest', secondsToWaitBeforeKill: 1 },
  hosts,
  goal: 'START' as const,
});

async function master(t: ExecutionContext): Promise<TestMaster> {
  const m = await startTestMaster();
  t.teardown(m.close);
  return m;
}

test('sync status with no sources says how to get one', async (t) => {
  const m = await master(t);
  const r = await helios(m, ['sync', 'status']);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, '');
  t.regex(r.stderr, /No sync sources yet/);
  t.deepEqual((await helios(m, ['sync', 'status', '--json'])).json(), []);
});

test('sync status shows applied and attempted commits, the state, when the attempt was, and each error with file:line; a source in ERROR exits 1', async (t) => {
  const m = await master(t);
  await m.client.hosts.register('h1', 'id-1');
  t.is((await m.client.sync.apply('ops', commit(COMMIT_1, [webFile(['h1'])]))).state, 'APPLIED');
  const applied = await helios(m, ['sync', 'status']);
  t.is(applied.code, 0, applied.stderr);
  const appliedAt = tableRows(applied.stdout)[1][7];
  await new Promise((resolve) => setTimeout(resolve, 20)); // the refused attempt is later, to the millisecond
  const refused = await m.client.sync.apply('ops', commit(COMMIT_2, [webFile(['h1'])], [{ file: 'jobs/api.yaml', line: 3, message: 'image: must be a string' }]));
  t.is(refused.state, 'REFUSED');

  const r = await helios(m, ['sync', 'status']);
  t.is(r.code, 1, r.stderr);
  t.is(r.stderr, '');
  const [table, errors] = r.stdout.split('\n\n');
  const rows = tableRows(table);
  t.deepEqual(rows[0], ['SOURCE', 'REPO', 'BRANCH', 'PATH', 'APPLIED', 'ATTEMPTED', 'STATE', 'LAST ATTEMPT (UTC)']);
  t.deepEqual(rows[1].slice(0, 7), ['ops', 'http://127.0.0.1:9/ops.git', 'main', 'jobs', 'aaaaaaa', 'bbbbbbb', 'ERROR']);
  t.regex(rows[1][7], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
  t.true(rows[1][7] > appliedAt, `the refused attempt (${rows[1][7]}) is shown, not the last applied one (${appliedAt})`);
  t.is(errors, 'ops: jobs/api.yaml:3: image: must be a string\n');

  const json = await helios(m, ['sync', 'status', '--json']);
  t.is(json.code, 1);
  const [source] = json.json<Array<Record<string, unknown> & { lastSync: number; lastAttempt: number }>>();
  t.deepEqual(Object.keys(source).sort(), ['branch', 'errors', 'lastAppliedCommit', 'lastAttempt', 'lastAttemptedCommit', 'lastPlan', 'lastSync', 'name', 'path', 'repo', 'state', 'warnings']);
  t.like(source, { name: 'ops', lastAppliedCommit: COMMIT_1, lastAttemptedCommit: COMMIT_2, state: 'ERROR',
    errors: [{ file: 'jobs/api.yaml', line: 3, message: 'image: must be a string' }] });
  t.true(source.lastAttempt > source.lastSync, 'lastSync stays the time of the last commit applied');
  const one = await helios(m, ['sync', 'status', 'ops', '--json']);
  t.is(one.code, 1);
  t.deepEqual(one.json(), [source]);

  t.is((await m.client.sync.apply('ops', commit(COMMIT_2, [webFile(['h1'])]))).state, 'APPLIED');
  const fixed = await helios(m, ['sync', 'status']);
  t.is(fixed.code, 0, 'no source in ERROR: exit 0');

  const unknown = await helios(m, ['sync', 'status', 'nope']);
  t.is(unknown.code, 1);
  t.regex(unknown.stderr, /^helios: sync source nope has neither synced nor been registered/);
  const bad = await helios(m, ['sync', 'frob']);
  t.is(bad.code, 1);
  t.regex(bad.stderr, /unknown sync command 'frob'/);
});

test('sync status shows the warning of a job whose expires has passed, and exits 0: the commit applied', async (t) => {
  const m = await master(t);
  const expired = { ...webFile(['h1']), file: 'jobs/old.yaml', lines: { expires: 4 }, spec: { ...webFile(['h1']).spec, name: 'old', expires: '2000-01-01T00:00:00Z' } };
  t.is((await m.client.sync.apply('ops', commit(COMMIT_1, [webFile(['h1']), expired]))).state, 'APPLIED');
  const r = await helios(m, ['sync', 'status']);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout.split('\n\n')[1], 'ops: jobs/old.yaml:4: warning: expired at 2000-01-01T00:00:00.000Z, not deployed\n');
});

test('a git-owned deployment is not changed without --force; the message says the next sync restores it', async (t) => {
  const m = await master(t);
  await m.client.hosts.register('h1', 'id-1');
  await m.client.hosts.register('h2', 'id-2');
  await m.client.sync.apply('ops', commit(COMMIT_1, [webFile(['h1'])]));
  const [id] = Object.keys(await m.client.jobs.list());

  for (const args of [['undeploy', 'web:1', 'h1'], ['stop', 'web:1', 'h1']]) {
    const r = await helios(m, args);
    t.is(r.code, 1, args.join(' '));
    t.regex(r.stdout, /^h1: failed: GIT_OWNED \(git source ops owns .*the next sync restores it; use --force to change it anyway\)\n$/);
  }
  t.is((await m.client.jobs.status(id)).deployments.h1.goal, 'START');
  const removed = await helios(m, ['remove', 'web:1', '--yes']);
  t.is(removed.code, 1);
  t.regex(removed.stderr, /^helios: git source ops owns .*next sync restores it/m);

  const forced = await helios(m, ['undeploy', 'web:1', 'h1', '--force']);
  t.is(forced.code, 0, forced.stdout);
  t.is(forced.stdout, 'h1: done\n');
  t.deepEqual((await m.client.jobs.status(id)).deployments, {});
});

test('sync register says what a source follows before its first sync; sync delete forgets one that owns nothing', async (t) => {
  const m = await master(t);
  const registered = await helios(m, ['sync', 'register', 'ops', '--repo', 'https://git.example/team/ops.git', '--branch', 'prod']);
  t.is(registered.code, 0, registered.stderr);
  t.is(registered.stdout, 'ops: follows https://git.example/team/ops.git branch prod path jobs\n');
  t.deepEqual(tableRows((await helios(m, ['sync', 'status'])).stdout)[1].slice(0, 7), ['ops', 'https://git.example/team/ops.git', 'prod', 'jobs', '<none>', '<none>', 'REGISTERED']);
  const mismatch = await m.client.sync.apply('ops', { ...commit(COMMIT_1, [webFile(['h1'])]), branch: 'prod' }).catch((err: Error) => err);
  t.regex(String(mismatch), /sync source ops follows https:\/\/git\.example\/team\/ops\.git branch prod path jobs, but this request is from http:\/\/127\.0\.0\.1:9\/ops\.git/);

  const json = await helios(m, ['sync', 'register', 'ops', '--repo', 'http://127.0.0.1:9/ops.git', '--branch', 'main', '--json']);
  t.like(json.json(), { name: 'ops', repo: 'http://127.0.0.1:9/ops.git', branch: 'main', path: 'jobs', state: 'REGISTERED' });
  t.is((await m.client.sync.apply('ops', commit(COMMIT_1, [webFile(['h1'])]))).state, 'APPLIED');
  const busy = await helios(m, ['sync', 'delete', 'ops']);
  t.is(busy.code, 1);
  t.regex(busy.stderr, /^helios: sync source ops still owns 1 job\(s\) and 1 deployment\(s\)/);
  t.is((await m.client.sync.apply('ops', commit(COMMIT_2, []))).state, 'APPLIED');
  const deleted = await helios(m, ['sync', 'delete', 'ops', '--json']);
  t.is(deleted.code, 0, deleted.stderr);
  t.deepEqual(deleted.json(), { source: 'ops', status: 'OK' });
  t.deepEqual((await helios(m, ['sync', 'status', '--json'])).json(), []);

  const noRepo = await helios(m, ['sync', 'register', 'ops']);
  t.is(noRepo.code, 1);
  t.regex(noRepo.stderr, /sync register needs --repo URL/);
});

/** The control characters (C0 but newline, DEL, C1) in `text`: what a terminal would act on. */
const controlCharacters = (text: string) => [...text].filter((ch) => ch !== '\n' && (ch < ' ' || (ch >= '\u007f' && ch <= '\u009f')));

test('sync status and audit show the control characters of a crafted commit and error as escapes, never raw (L5)', async (t) => {
  const m = await master(t);
  const crafted = `\u001b]0;owned\u0007\u001b[2J${'c'.repeat(30)}`;
  t.is((await m.client.sync.apply('ops', commit(crafted, []))).state, 'APPLIED');
  const refused = await m.client.sync.apply('ops', commit(COMMIT_2, [], [{ file: 'jobs/api.yaml', message: 'image: \u001b[8mhidden\u009b' }]));
  t.is(refused.state, 'REFUSED');

  const status = await helios(m, ['sync', 'status']);
  t.is(status.code, 1, 'the source is in ERROR');
  t.deepEqual(controlCharacters(status.stdout), []);
  t.is(tableRows(status.stdout.split('\n\n')[0])[1][4], '\\u001b]0;own');
  t.is(status.stdout.split('\n\n')[1], 'ops: jobs/api.yaml: image: \\u001b[8mhidden\\u009b\n');
  const audit = await helios(m, ['audit']);
  t.is(audit.code, 0, audit.stderr);
  t.deepEqual(controlCharacters(audit.stdout), []);
  t.true(audit.stdout.includes(`commit=\\u001b]0;owned\\u0007\\u001b[2J${'c'.repeat(30)}`), audit.stdout);
  t.like((await helios(m, ['audit', '--json'])).json<{ events: Array<{ detail?: { commit?: string } }> }>().events.at(-1)?.detail, { commit: crafted });
});
