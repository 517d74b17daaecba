/**
 * Helios' JobStatusCommandTest, JobListCommandTest and JobInspectCommandTest replayed through the
 * real `helios` against a real master (no agent), plus `watch`'s host prefixes and --exact (Helios'
 * JobWatchCommand). Same outcomes and shapes, not Helios' wording or column layout.
 */
import { spawn } from 'node:child_process';
import test from 'ava';
import { masterWithHosts, type TestMaster } from './harness/master.js';
import { CLI_BIN, ensureCliBuilt, helios, tableRows } from './cliHarness.js';

const create = async (m: TestMaster, ...args: string[]) => (await helios(m, ['create', ...args])).lastLine;
/** JOB ID, HOST and GOAL of each row after the header. */
const rowsOf = (stdout: string) => tableRows(stdout).slice(1).map((row) => row.slice(0, 3));

test('JobStatusCommandTest.testFilterJob: status -j foo shows every job whose id contains foo', async (t) => {
  const m = await masterWithHosts(t, ['host1', 'host2']);
  const bar = await create(m, 'foo:bar', 'busybox:latest');
  const bat = await create(m, 'foo:bat', 'busybox:latest');
  await create(m, 'other:1', 'busybox:latest');
  await helios(m, ['deploy', bar, 'host1']);
  await helios(m, ['deploy', bat, 'host2']);
  const r = await helios(m, ['status', '-j', 'foo']);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(tableRows(r.stdout)[0].slice(0, 6), ['JOB ID', 'HOST', 'GOAL', 'STATE', 'CONTAINER ID', 'PORTS']);
  t.deepEqual(rowsOf(r.stdout), [[bar, 'host1', 'START'], [bat, 'host2', 'START']]);
  t.deepEqual(Object.keys((await helios(m, ['status', '--job', 'foo', '--json'])).json<object>()), [bar, bat]);
  const none = await helios(m, ['status', '-j', 'nope']);
  t.is(none.code, 1);
  t.is(none.stderr, 'helios: job filter nope matched no jobs\n');
  const both = await helios(m, ['status', 'foo:bar', '-j', 'foo']);
  t.is(both.code, 1);
  t.regex(both.stderr, /give JOB or -j FILTER, not both/);
});

test('JobStatusCommandTest.testFilterJobAndHost: --host is a pattern found in the host name', async (t) => {
  const m = await masterWithHosts(t, ['host1', 'host2', 'db1']);
  const bar = await create(m, 'foo:bar', 'busybox:latest');
  const bat = await create(m, 'foo:bat', 'busybox:latest');
  await helios(m, ['deploy', bar, 'host1', 'db1']);
  await helios(m, ['deploy', bat, 'host2']);
  const r = await helios(m, ['status', '-j', 'foo', '--host', 'host']);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(rowsOf(r.stdout), [[bar, 'host1', 'START'], [bat, 'host2', 'START']]);
  t.deepEqual(rowsOf((await helios(m, ['status', '--host', '1'])).stdout), [[bar, 'db1', 'START'], [bar, 'host1', 'START']]);
  t.deepEqual(rowsOf((await helios(m, ['job', bar, '--host', 'db'])).stdout), [[bar, 'db1', 'START']]);
  t.deepEqual(rowsOf((await helios(m, ['status', '--host', '^(db|host2)$|^db'])).stdout), [[bar, 'db1', 'START'], [bat, 'host2', 'START']]);
  const json = (await helios(m, ['status', '--host', 'host2', '--json'])).json<Record<string, { deployments: object }>>();
  t.deepEqual(Object.keys(json), [bat], 'only the jobs deployed on a matching host');
  t.deepEqual(Object.keys(json[bat].deployments), ['host2']);
  const none = await helios(m, ['status', '--host', 'web']);
  t.is(none.code, 1);
  t.is(none.stderr, 'helios: no job is deployed on a host matching web; helios hosts web shows whether such a host exists and is up\n');
  const bad = await helios(m, ['job', bar, '--host', 'h(']);
  t.is(bad.code, 1);
  t.regex(bad.stderr, /^helios: --host: invalid name pattern "h\(": /);
});

test('status shows host names short in the search domain; -f full names', async (t) => {
  const m = await masterWithHosts(t, ['host1.example.com']);
  const id = await create(m, 'foo:bar', 'busybox:latest');
  await helios(m, ['deploy', id, 'host1.example.com']);
  const search = { env: { LOCALDOMAIN: 'example.com' } };
  t.deepEqual(rowsOf((await helios(m, ['status', '-j', 'foo'], search)).stdout), [[id, 'host1', 'START']]);
  t.deepEqual(rowsOf((await helios(m, ['status', '-j', 'foo', '-f'], search)).stdout), [[id, 'host1.example.com', 'START']]);
});

test('JobListCommandTest: jobs and jobs -q list ids sorted', async (t) => {
  const m = await masterWithHosts(t, ['host']);
  for (const version of ['1-aaa', '3-ccc', '2-bbb']) await helios(m, ['deploy', await create(m, `job:${version}`, 'busybox:latest'), 'host']);
  const versions = (ids: string[]) => ids.map((id) => id.split(':').slice(0, 2).join(':'));
  t.deepEqual(versions((await helios(m, ['jobs', '-q'])).stdout.trim().split('\n')), ['job:1-aaa', 'job:2-bbb', 'job:3-ccc']);
  t.deepEqual(versions(tableRows((await helios(m, ['jobs'])).stdout).slice(1).map((row) => row[0])), ['job:1-aaa', 'job:2-bbb', 'job:3-ccc']);
});

test('JobInspectCommandTest: Runtime and Rollout options lines; none without rollout options; --json is the job', async (t) => {
  const m = await masterWithHosts(t, []);
  const id = await create(m, 'foo:2-bbb', 'busybox:latest', '--seconds-to-wait', '10', '--runtime', 'nvidia',
    '-p', 'foo=127.0.0.1:80:8080/udp', '-p', 'bar=0.0.0.0:123:456', '--drop-capability', 'cap3', '--drop-capability', 'cap4',
    '--rollout-options', 'timeout=250', '--rollout-options', 'parallelism=2', '--rollout-options', 'migrate=true',
    '--rollout-options', 'overlap=true', '--rollout-options', 'token=foobar', '--rollout-options', 'ignoreFailures=true');
  const r = await helios(m, ['inspect', 'foo:2-bbb']);
  t.is(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  t.true(lines.includes('Time to wait before kill (seconds): 10'), r.stdout);
  t.true(lines.includes('Drop capabilities: cap3, cap4'), r.stdout);
  t.true(lines.includes('Ports: foo=127.0.0.1:8080->80/udp bar=0.0.0.0:456->123/tcp'), r.stdout);
  t.true(lines.includes('Runtime: nvidia'), r.stdout);
  t.true(lines.includes('Rollout options: timeout: 250, parallelism: 2, migrate: true, overlap: true, token: foobar, ignoreFailures: true'), r.stdout);
  t.deepEqual((await helios(m, ['inspect', id, '--json'])).json(), await m.client.jobs.get(id));

  await create(m, 'foo:no-rollout-options', 'busybox:latest');
  const plain = await helios(m, ['inspect', 'foo:no-rollout-options']);
  t.true(plain.stdout.split('\n').includes('Rollout options: '), plain.stdout);
  for (const key of ['timeout', 'parallelism', 'migrate', 'overlap', 'token', 'ignoreFailures']) t.false(plain.stdout.includes(`${key}: `), key);
});

/** The first table `helios watch --json`-less prints when piped, then stops it. */
async function watchOnce(m: TestMaster, args: string[]): Promise<string[][]> {
  await ensureCliBuilt();
  const child = spawn(process.execPath, [CLI_BIN, 'watch', ...args], { env: { ...process.env, HELIOS_MASTER: m.url, NO_COLOR: '1' } });
  let stdout = '';
  const table = new Promise<string>((resolve) => child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
    if (stdout.includes('\n') && stdout.split('\n').length > 2) resolve(stdout);
  }));
  const closed = new Promise((resolve) => child.on('close', resolve));
  // A watch is up in well under a second; 30 s is for a loaded machine.
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const text = await Promise.race([table, closed.then(() => stdout)]);
  child.kill('SIGINT');
  await closed;
  clearTimeout(timer);
  return tableRows(text).slice(1).map((row) => row.slice(0, 3));
}

test('watch takes host prefixes (JobWatchCommand); --exact takes names as given', async (t) => {
  const m = await masterWithHosts(t, ['web1', 'web2', 'db1']);
  const id = await create(m, 'foo:1', 'busybox:latest');
  await helios(m, ['deploy', id, 'web1', 'web2', 'db1']);
  t.deepEqual(await watchOnce(m, [id, 'web']), [[id, 'web1', '-'], [id, 'web2', '-']]);
  t.deepEqual(await watchOnce(m, [id, 'db', 'cache']), [[id, 'cache', 'NOT DEPLOYED'], [id, 'db1', '-']]);
  t.deepEqual(await watchOnce(m, [id, 'web', 'db1', '--exact']), [[id, 'web', 'NOT DEPLOYED'], [id, 'db1', '-']]);
});
