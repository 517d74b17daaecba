/**
 * Where the CLI finds its masters, through the real `helios` against real masters: -d DOMAIN by DNS
 * SRV (Helios' ResolverTest: `_helios._https.D` first, `_helios._http.D` only when it has none),
 * several domains as several clusters (Helios' ControlCommand: the command once per cluster, a
 * header each, JSON merged by name), --srv-name, HELIOS_MASTER=domain://, ~/.helios/config,
 * -u/--username, --http-timeout and --retry-timeout. Every lookup goes to a DNS server of the test
 * on 127.0.0.1 (HELIOS_DNS_SERVER): no test asks real DNS.
 */
import test, { type ExecutionContext } from 'ava';
import { userInfo } from 'node:os';
import { startSrvServer, type SrvRecord } from './harness/dnsServer.js';
import { heliosHome } from './harness/heliosHome.js';
import { startTestMaster, type TestMaster } from './harness/master.js';
import { freePort } from './harness/processes.js';
import { startStallingProxy } from './harness/stallingProxy.js';
import { helios } from './cliHarness.js';

const portOf = (m: TestMaster) => Number(new URL(m.url).port);

async function master(t: ExecutionContext, jobs: string[] = []): Promise<TestMaster> {
  const m = await startTestMaster();
  t.teardown(m.close);
  for (const id of jobs) await m.client.jobs.create({ id, image: 'busybox:latest' });
  return m;
}

async function dnsWith(t: ExecutionContext, records: Record<string, SrvRecord[]>) {
  const dns = await startSrvServer(records);
  t.teardown(dns.close);
  return dns;
}

const home = heliosHome;

test('ResolverTest.testResolveWithHttpFallback: -d D asks _helios._https.D, then _helios._http.D, and uses its masters', async (t) => {
  const m = await master(t, ['web:1']);
  const dns = await dnsWith(t, { '_helios._http.example.test': [{ target: '127.0.0.1', port: portOf(m) }] });
  const r = await helios(null, ['-d', 'example.test', 'jobs', '-q'], { env: { HELIOS_DNS_SERVER: dns.server, HOME: home(t) } });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^web:1:[0-9a-f]+\n$/);
  t.deepEqual(dns.queries, ['_helios._https.example.test', '_helios._http.example.test']);
});

test('ResolverTest.testResolve: records under _helios._https.D are https:// masters and _http is not asked', async (t) => {
  const m = await master(t);
  const dns = await dnsWith(t, {
    '_helios._https.example.test': [{ target: '127.0.0.1', port: portOf(m) }],
    '_helios._http.example.test': [{ target: '127.0.0.1', port: portOf(m) }],
  });
  const r = await helios(null, ['jobs', '--domains', 'example.test'], { env: { HELIOS_DNS_SERVER: dns.server, HOME: home(t) } });
  // The test master speaks plain HTTP: the https:// URL the record makes is refused, which shows it was used.
  t.is(r.code, 1);
  t.regex(r.stderr, new RegExp(`cannot reach the master at https://127\\.0\\.0\\.1:${portOf(m)}: it does not speak TLS`));
  t.deepEqual(dns.queries, ['_helios._https.example.test']);
});

test('several domains are several clusters: the command runs on each under a header, --json merges them by name', async (t) => {
  const [a, b] = await Promise.all([master(t, ['only-a:1']), master(t, ['only-b:1'])]);
  const dns = await dnsWith(t, {
    '_helios._http.a.test': [{ target: '127.0.0.1', port: portOf(a) }],
    '_helios._http.b.test': [{ target: '127.0.0.1', port: portOf(b) }],
  });
  const env = { HELIOS_DNS_SERVER: dns.server, HOME: home(t) };
  const r = await helios(null, ['-d', 'a.test,b.test', 'jobs', '-q'], { env });
  t.is(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  t.is(lines[0], `a.test ([http://127.0.0.1:${portOf(a)}])`);
  t.is(lines[1], '-'.repeat(lines[0].length));
  t.regex(lines[2], /^only-a:1:/);
  t.is(lines[3], '');
  t.is(lines[4], `b.test ([http://127.0.0.1:${portOf(b)}])`);
  t.regex(lines[6], /^only-b:1:/);

  const json = await helios(null, ['-d', 'a.test', '-d', 'b.test', 'jobs', '-q', '--json'], { env });
  t.is(json.code, 0, json.stderr);
  const merged = json.json<Record<string, string[]>>();
  t.deepEqual(Object.keys(merged), ['a.test', 'b.test']);
  t.regex(merged['a.test'][0], /^only-a:1:/);
  t.regex(merged['b.test'][0], /^only-b:1:/);
});

test('a domain with no master fails on its own; the other clusters still run, and the command exits 1', async (t) => {
  const a = await master(t, ['only-a:1']);
  const dns = await dnsWith(t, { '_helios._http.a.test': [{ target: '127.0.0.1', port: portOf(a) }] });
  const env = { HELIOS_DNS_SERVER: dns.server, HOME: home(t) };
  const r = await helios(null, ['-d', 'gone.test,a.test', 'jobs', '-q'], { env });
  t.is(r.code, 1);
  t.is(r.stderr.trim(), 'helios: gone.test: no helios master found in gone.test: no SRV record _helios._https.gone.test or _helios._http.gone.test (set -d, -z or HELIOS_MASTER)');
  t.regex(r.stdout, /^gone\.test\n-{9}\n\na\.test \(\[http:\/\/127\.0\.0\.1:\d+\]\)\n-+\nonly-a:1:/);
  const json = await helios(null, ['-d', 'gone.test,a.test', 'jobs', '-q', '--json'], { env });
  t.is(json.code, 1);
  t.like(json.json<Record<string, unknown>>(), { 'gone.test': { status: 'MASTER_UNREACHABLE' } });

  const one = await helios(null, ['-d', 'gone.test', 'jobs'], { env });
  t.is(one.code, 1);
  t.is(one.stderr.trim(), 'helios: no helios master found in gone.test: no SRV record _helios._https.gone.test or _helios._http.gone.test (set -d, -z or HELIOS_MASTER)');
});

test('watch follows one cluster: several are refused before anything runs', async (t) => {
  const r = await helios(null, ['-d', 'a.test,b.test', 'watch', 'web:1'], { env: { HOME: home(t), HELIOS_DNS_SERVER: '127.0.0.1:9' } });
  t.is(r.code, 1);
  t.is(r.stderr.trim(), 'helios: watch follows one cluster, and a.test, b.test are 2: give one -d or -z');
});

test('--srv-name, HELIOS_MASTER=domain://D and ~/.helios/config (domains, srvName, masterEndpoints) find the master', async (t) => {
  const m = await master(t, ['web:1']);
  const dns = await dnsWith(t, {
    '_custom._http.a.test': [{ target: '127.0.0.1', port: portOf(m) }],
    '_helios._http.b.test': [{ target: '127.0.0.1', port: portOf(m) }],
  });
  const run = async (args: string[], env: Record<string, string>) => {
    const r = await helios(null, [...args, 'jobs', '-q'], { env: { HELIOS_DNS_SERVER: dns.server, ...env } });
    t.is(r.code, 0, `${args.join(' ')} ${JSON.stringify(env)}: ${r.stderr}`);
    t.regex(r.stdout, /^web:1:/);
  };
  await run(['-d', 'a.test', '--srv-name', 'custom'], { HOME: home(t) });
  await run([], { HOME: home(t), HELIOS_MASTER: 'domain://b.test' });
  await run([], { HOME: home(t, { domains: ['a.test'], srvName: 'custom' }) });
  await run(['-d', 'a.test'], { HOME: home(t, { srvName: 'custom', masterEndpoints: ['http://127.0.0.1:9'] }) });
  await run([], { HOME: home(t, { masterEndpoints: [`http://127.0.0.1:${await freePort()}`, m.url] }) });
  const broken = await helios(null, ['jobs'], { env: { HOME: home(t, 'nope') } });
  t.is(broken.code, 1);
  t.regex(broken.stderr, /\.helios\/config: domains must be|is not valid JSON|must hold a JSON object/);
});

test('-u/--username is sent as Helios-User: the deployment records it as deployerUser (default: the OS user)', async (t) => {
  const m = await master(t, ['web:1']);
  await m.client.hosts.register('h1', 'id-h1');
  await m.client.hosts.register('h2', 'id-h2');
  await m.client.hosts.register('h3', 'id-h3');
  t.is((await helios(m, ['-u', 'alice', 'deploy', 'web:1', 'h1'])).code, 0);
  t.is((await helios(m, ['deploy', 'web:1', 'h2', '--username', 'bob'])).code, 0);
  t.is((await helios(m, ['deploy', 'web:1', 'h3'])).code, 0);
  const status = await helios(m, ['status', 'web:1', '--json']);
  const deployments = Object.values(status.json<Record<string, { deployments: Record<string, { deployerUser?: string }> }>>())[0].deployments;
  t.is(deployments.h1.deployerUser, 'alice');
  t.is(deployments.h2.deployerUser, 'bob');
  t.is(deployments.h3.deployerUser, userInfo().username);
});

test('--http-timeout bounds each request: a master that accepts and never answers fails in that time', async (t) => {
  const m = await master(t);
  const front = await startStallingProxy(m.url);
  t.teardown(front.close);
  front.stall();
  await helios(null, ['--version']); // the build, if any, before the clock starts
  const started = Date.now();
  const r = await helios(null, ['-z', front.url, '--http-timeout', '1', 'jobs']);
  const took = Date.now() - started;
  t.is(r.code, 1);
  t.is(r.stderr.trim(), `helios: cannot reach the master at ${front.url}: timed out (set -z or HELIOS_MASTER)`);
  // Well inside the 60 s the request would wait without the flag, on a loaded machine too.
  t.true(took < 40_000, `${took} ms`);
  const bad = await helios(null, ['-z', front.url, 'jobs'], { env: { HELIOS_CLI_HTTP_TIMEOUT: 'soon' } });
  t.is(bad.stderr.trim(), "helios: HELIOS_CLI_HTTP_TIMEOUT must be a positive number of seconds, got 'soon'");
});

test('--retry-timeout: a master that comes up while the command retries is used; without it the command fails at once', async (t) => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const pending = helios(null, ['-z', url, '--retry-timeout', '60', 'masters']);
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const m = await startTestMaster({ port });
  t.teardown(m.close);
  const r = await pending;
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, 'test-master\n');

  const down = `http://127.0.0.1:${await freePort()}`;
  const both = await helios(null, ['-z', down, '-z', down.replace('127.0.0.1', 'localhost'), 'masters'], { env: { HELIOS_CLI_TOTAL_TIMEOUT: '1' } });
  t.is(both.code, 1);
  t.regex(both.stderr, new RegExp(`^helios: no master of ${down}, .+ answers: cannot reach the master at ${down}: connection refused`));
});
