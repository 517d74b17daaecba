/**
 * Helios' HostListCommandTest and HostResolverTest replayed through the real `helios` against a real
 * master (no agent: hosts register and heartbeat by hand). The DNS search list comes from
 * LOCALDOMAIN, as the C library takes it (the harness sets it empty unless a test gives one).
 * Same outcomes and shapes as Helios (order, which host, exit codes), not its wording.
 */
import test, { type ExecutionContext } from 'ava';
import { heartbeatBody, masterWithHosts, startTestMaster, type TestMaster } from './harness/master.js';
import { helios, tableRows } from './cliHarness.js';

/** Hosts that heartbeat once with `labels` (UP), the others registered only (DOWN). */
async function withHosts(t: ExecutionContext, hosts: string[], up: Record<string, Record<string, string>> = {}): Promise<TestMaster> {
  // Hosts stay UP for 10 minutes after their one heartbeat: the full suite can slow a command to 45 s.
  const m = await masterWithHosts(t, hosts, { downAfterMs: 600_000 });
  for (const [host, labels] of Object.entries(up)) await m.client.agents.heartbeat(host, heartbeatBody(`id-${host}`, { labels }));
  return m;
}

const firstColumn = (stdout: string) => tableRows(stdout).map((row) => row[0]);

test('HostListCommandTest.testCommand and testNonQuietOutputIsSorted: one row per host, sorted, Up and Down', async (t) => {
  const m = await withHosts(t, ['host3', 'host1', 'host2'], { host1: { foo: 'bar', baz: 'qux' }, host2: { foo: 'bar', baz: 'qux' } });
  const r = await helios(m, ['hosts']);
  t.is(r.code, 0, r.stderr);
  const rows = tableRows(r.stdout);
  t.deepEqual(rows[0], ['HOST', 'STATUS', 'DEPLOYED', 'RUNNING', 'CPUS', 'MEM', 'LOAD AVG', 'MEM USAGE', 'OS', 'HELIOS', 'DOCKER', 'LABELS']);
  t.deepEqual(rows.slice(1).map((row) => row[0]), ['host1', 'host2', 'host3']);
  t.regex(rows[1][1], /^Up \d+ (second|minute)s?$/);
  t.is(rows[3][1], 'Down');
  t.deepEqual(rows[1].slice(2), ['0', '0', '2', '7 gb', '0.50', '0.50', 'Linux 6.1.0', '0.1.0', '26.1.5 (1.45)', 'foo=bar, baz=qux']);
});

test('HostListCommandTest.testQuietOutputIsSorted', async (t) => {
  const m = await withHosts(t, ['host3', 'host1', 'host2']);
  t.is((await helios(m, ['hosts', '-q'])).stdout, 'host1\nhost2\nhost3\n');
});

test('HostListCommandTest.testInvalidStatusThrowsError: --status DWN exits 1', async (t) => {
  const m = await withHosts(t, ['host1']);
  const r = await helios(m, ['hosts', '--status', 'DWN']);
  t.is(r.code, 1);
  t.regex(r.stderr, /--status must be UP or DOWN, got 'DWN'/);
});

test('HostListCommandTest.testPatternFilter and testSelectorFilter: names short in the search domain, full with -f', async (t) => {
  const m = await withHosts(t, ['host1.example.com', 'foo1.example.com', 'host2.other.net'], { 'foo1.example.com': { foo: 'bar' } });
  const search = { env: { LOCALDOMAIN: 'example.com' } };
  t.deepEqual(firstColumn((await helios(m, ['hosts', 'host1'], search)).stdout), ['HOST', 'host1']);
  t.deepEqual(firstColumn((await helios(m, ['hosts', 'host1', '-f'], search)).stdout), ['HOST', 'host1.example.com']);
  t.deepEqual(firstColumn((await helios(m, ['hosts', '--selector', 'foo=bar'], search)).stdout), ['HOST', 'foo1']);
  t.is((await helios(m, ['hosts', '-q'], search)).stdout, 'foo1\nhost1\nhost2.other.net\n', 'a host outside the search list stays whole');
  t.is((await helios(m, ['hosts', '-q', '-f'], search)).stdout, 'foo1.example.com\nhost1.example.com\nhost2.other.net\n');
  t.deepEqual((await helios(m, ['hosts', '-q', '--json'], search)).json(), ['foo1.example.com', 'host1.example.com', 'host2.other.net'], '--json: full names');
  // The pattern is a regular expression on the master, as in Helios.
  t.is((await helios(m, ['hosts', '-q', '-f', '^(host|foo)[0-9]\\.example'], search)).stdout, 'foo1.example.com\nhost1.example.com\n');
});

test('HostListCommandTest.testSelectorSlurping: a pattern before or after -s selectors', async (t) => {
  const m = await withHosts(t, ['blah-1', 'blah-2', 'blarp-1'], { 'blah-1': { foo: 'bar' }, 'blarp-1': { a: 'b', z: '1' } });
  for (const args of [['-s', 'foo=bar', 'blah'], ['blah', '-s', 'foo=bar']]) t.is((await helios(m, ['hosts', '-q', ...args])).stdout, 'blah-1\n', args.join(' '));
  for (const args of [['-s', 'a=b', '-s', 'z=1', 'blarp'], ['blarp', '--selector', 'a=b', '--selector', 'z=1']]) {
    t.is((await helios(m, ['hosts', '-q', ...args])).stdout, 'blarp-1\n', args.join(' '));
  }
});

test('masters prints the master short in the search domain, full with -f', async (t) => {
  const m = await startTestMaster({ name: 'master1.example.com' });
  t.teardown(m.close);
  t.is((await helios(m, ['masters'], { env: { LOCALDOMAIN: 'example.com' } })).stdout, 'master1\n');
  t.is((await helios(m, ['masters', '-f'], { env: { LOCALDOMAIN: 'example.com' } })).stdout, 'master1.example.com\n');
  t.deepEqual((await helios(m, ['masters', '--json'], { env: { LOCALDOMAIN: 'example.com' } })).json(), ['master1.example.com']);
});

// HostResolverTest, through the commands that resolve host names (deploy, undeploy, start, stop).
test('HostResolverTest.test: exact and unique-prefix names deploy; an unknown one is HOST_NOT_FOUND; an ambiguous one is AMBIGUOUS_HOST', async (t) => {
  const m = await withHosts(t, ['host1.bar.com', 'host1.foo.com']);
  const id = (await helios(m, ['create', 'web:1', 'busybox:latest'])).lastLine;
  const exact = await helios(m, ['deploy', 'web:1', 'host1.bar.com']);
  t.is(exact.stdout, 'host1.bar.com: done\n');
  const unknown = await helios(m, ['deploy', 'web:1', 'whee.bar.com']);
  t.is(unknown.code, 1);
  t.regex(unknown.stdout, /^whee\.bar\.com: failed: HOST_NOT_FOUND /);
  const prefix = await helios(m, ['deploy', 'web:1', 'host1.f']);
  t.is(prefix.code, 0, prefix.stdout);
  t.is(prefix.stderr, `Deploying Deployment{jobId=${id}, goal=START} on [host1.foo.com]\n`);
  t.is(prefix.stdout, 'host1.foo.com: done\n');
  const ambiguous = await helios(m, ['stop', 'web:1', 'host1', 'host1.b']);
  t.is(ambiguous.code, 1);
  t.is(ambiguous.stdout, 'host1: failed: AMBIGUOUS_HOST (host prefix host1 matches 2 hosts: host1.bar.com, host1.foo.com; give more of the name)\n'
    + 'host1.bar.com: done\n', 'the other host is still done');
  t.is((await m.client.deployments.get('host1.bar.com', id)).goal, 'STOP');
  const json = await helios(m, ['start', 'web:1', 'host1', '--json']);
  t.deepEqual(json.json<{ results: object[] }>().results, [{ host: 'host1', status: 'AMBIGUOUS_HOST',
    message: 'host prefix host1 matches 2 hosts: host1.bar.com, host1.foo.com; give more of the name' }]);
});

test('HostResolverTest.testWithSearchPathDisambiguation: the first search domain\'s host wins', async (t) => {
  const m = await withHosts(t, ['host1.bar.com', 'host1.foo.com']);
  const id = (await helios(m, ['create', 'web:1', 'busybox:latest'])).lastLine;
  const search = { env: { LOCALDOMAIN: 'bar.com foo.com' } };
  t.is((await helios(m, ['deploy', 'web:1', 'host1'], search)).stdout, 'host1.bar.com: done\n');
  t.is((await helios(m, ['undeploy', 'web:1', 'ho'], search)).stdout, 'host1.bar.com: done\n');
  t.deepEqual((await m.client.jobs.status(id)).deployments, {});
});

test('HostResolverTest.testAmbiguousWithSearchPathDisambiguation: two hosts of one domain stay ambiguous', async (t) => {
  const m = await withHosts(t, ['host1.foo.com', 'host2.foo.com']);
  await helios(m, ['create', 'web:1', 'busybox:latest']);
  const r = await helios(m, ['deploy', 'web:1', 'ho'], { env: { LOCALDOMAIN: 'bar.com foo.com' } });
  t.is(r.code, 1);
  t.is(r.stdout, 'ho: failed: AMBIGUOUS_HOST (host prefix ho matches 2 hosts: host1.foo.com, host2.foo.com; give more of the name)\n');
});

test('HostDeregisterCommand: deregister takes the exact name only and lists the hosts that start with it', async (t) => {
  const m = await withHosts(t, ['host1.bar.com', 'host1.foo.com', 'db1']);
  const r = await helios(m, ['deregister', 'host1', '--yes']);
  t.is(r.code, 1);
  t.regex(r.stderr, /^helios: host host1 not found; hosts starting with host1: host1\.bar\.com, host1\.foo\.com; known hosts: /m);
  t.deepEqual((await m.client.hosts.list()).sort(), ['db1', 'host1.bar.com', 'host1.foo.com']);
});

test('an exact name wins over the longer names it starts', async (t) => {
  const m = await withHosts(t, ['web1', 'web10']);
  await helios(m, ['create', 'web:1', 'busybox:latest']);
  t.is((await helios(m, ['deploy', 'web:1', 'web1'])).stdout, 'web1: done\n');
});
