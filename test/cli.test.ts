/** The `helios` command itself: help, argument errors, and errors that say what to do. */
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnProcess, tempDir } from './harness/processes.js';
import { startTestMaster } from './harness/master.js';
import { CLI_BIN, ensureCliBuilt, helios, ROOT, tableRows } from './cliHarness.js';
import { isAlive } from '../cli/solo/homeLock.js';

const commandNames = ['create', 'remove', 'inspect', 'jobs', 'deploy', 'undeploy', 'start', 'stop', 'job', 'status',
  'history', 'watch', 'hosts', 'register', 'deregister', 'sync', 'audit', 'whoami', 'masters', 'version'];

test('helios --help lists every command and exits 0', async (t) => {
  const r = await helios(null, ['--help']);
  t.is(r.code, 0, r.stderr);
  for (const name of commandNames.filter((n) => n !== 'status')) t.regex(r.stdout, new RegExp(`^  ${name}\\b`, 'm'));
  t.regex(r.stdout, /^ {2}job \(status\)/m);
  t.regex(r.stdout, /^ {2}sync status/m);
  t.regex(r.stdout, /-z, --master URL/);
});

test('every command has --help, and help COMMAND says the same', async (t) => {
  for (const name of commandNames) {
    const r = await helios(null, [name, '--help']);
    t.is(r.code, 0, `${name}: ${r.stderr}`);
    t.regex(r.stdout, new RegExp(`^Usage: helios ${name === 'status' ? 'job' : name}\\b`), name);
    t.regex(r.stdout, /--json/, name);
  }
  const viaHelp = await helios(null, ['help', 'deploy']);
  t.is(viaHelp.stdout, (await helios(null, ['deploy', '-h'])).stdout);
});

test('a bare helios prints the help on stderr and exits 1', async (t) => {
  const r = await helios(null, []);
  t.is(r.code, 1);
  t.is(r.stdout, '');
  t.regex(r.stderr, /Commands:/);
});

test('--version prints the client version', async (t) => {
  const r = await helios(null, ['--version']);
  t.is(r.code, 0);
  t.regex(r.stdout.trim(), /^\d+\.\d+\.\d+$/);
});

test('an unknown command exits 1 and points at --help', async (t) => {
  const r = await helios(null, ['frobnicate']);
  t.is(r.code, 1);
  t.is(r.stderr.trim(), "helios: unknown command 'frobnicate' (see helios --help)");
  t.is(r.stdout, '');
});

test('an unknown flag exits 1 and names the flag and the command', async (t) => {
  const after = await helios(null, ['jobs', '--frob']);
  t.is(after.code, 1);
  t.is(after.stderr.trim(), 'helios: unknown option --frob for helios jobs (see helios jobs --help)');
  const before = await helios(null, ['--frob', 'jobs']);
  t.is(before.code, 1);
  t.regex(before.stderr, /unknown option --frob before the command name/);
});

test('a flag without its value exits 1', async (t) => {
  const r = await helios(null, ['create', 'foo:v1', 'busybox:latest', '--env']);
  t.is(r.code, 1);
  t.regex(r.stderr, /option '--env <value>' argument missing/);
});

test('a value that looks like a flag must be written --flag=VALUE', async (t) => {
  const r = await helios(null, ['create', 'foo:v1', 'busybox:latest', '--hostname', '-x']);
  t.is(r.code, 1);
  t.is(r.stderr, "helios: option --hostname got a value starting with '-': write --hostname=VALUE (see helios create --help)\n");
});

test('missing arguments exit 1 with the usage', async (t) => {
  const r = await helios(null, ['deploy', 'foo:v1']);
  t.is(r.code, 1);
  t.regex(r.stderr, /missing arguments: usage: helios deploy JOB HOST…/);
});

test('an unreachable master exits 1 saying how to point at one', async (t) => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const r = await helios({ url }, ['jobs']);
  t.is(r.code, 1);
  t.is(r.stderr.trim(), `helios: cannot reach the master at ${url}: connection refused (set -z or HELIOS_MASTER)`);
  const viaFlag = await helios(null, ['-z', url, 'hosts']);
  t.is(viaFlag.stderr.trim(), r.stderr.trim());
  const json = await helios({ url }, ['jobs', '--json']);
  t.is(json.code, 1);
  t.like(json.json(), { status: 'MASTER_UNREACHABLE', message: r.stderr.trim().replace('helios: ', '') });
});

test('-z after the command wins over HELIOS_MASTER', async (t) => {
  const master = await startTestMaster();
  t.teardown(master.close);
  const r = await helios({ url: `http://127.0.0.1:${await freePort()}` }, ['version', '-z', master.url]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^Master Version: \d/m);
});

test('with several -z the first master that answers is used', async (t) => {
  const master = await startTestMaster();
  t.teardown(master.close);
  const down = `http://127.0.0.1:${await freePort()}`;
  const r = await helios(null, ['-z', down, '-z', master.url, 'masters']);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, 'test-master\n');
  const none = await helios(null, ['-z', down, '-z', down, 'masters']);
  t.is(none.code, 1);
  t.regex(none.stderr, /cannot reach the master/);
});

test('a malformed master URL exits 1', async (t) => {
  const r = await helios(null, ['-z', 'localhost:5801', 'jobs']);
  t.is(r.code, 1);
  t.regex(r.stderr, /-z: 'localhost:5801' is not a master URL/);
});

test('version prints both versions, and --json has stable keys', async (t) => {
  const master = await startTestMaster();
  t.teardown(master.close);
  const r = await helios(master, ['version']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^Client Version: \d+\.\d+\.\d+\nMaster Version: \d+\.\d+\.\d+\n$/);
  const json = await helios(master, ['version', '--json']);
  t.deepEqual(Object.keys(json.json<object>()), ['clientVersion', 'masterVersion']);

  const nobody = { url: `http://127.0.0.1:${await freePort()}` };
  const down = await helios(nobody, ['version']);
  t.is(down.code, 1);
  t.regex(down.stdout, /^Client Version: \d+\.\d+\.\d+\n$/, 'the client version is printed still');
  const downJson = await helios(nobody, ['version', '--json']);
  t.is(downJson.code, 1);
  t.like(downJson.json<object>(), { masterVersion: null, status: 'MASTER_UNREACHABLE' });
  t.regex((downJson.json<{ clientVersion: string }>()).clientVersion, /^\d+\.\d+\.\d+$/);
});

test('masters lists the master; --json is an array', async (t) => {
  const master = await startTestMaster();
  t.teardown(master.close);
  const r = await helios(master, ['masters']);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout.trim(), 'test-master');
  t.deepEqual((await helios(master, ['masters', '--json'])).json(), ['test-master']);
});

test('HELIOS_TOKEN is sent as the bearer token to a master that needs one', async (t) => {
  const master = await startTestMaster({ tokens: ['s3cret'] });
  t.teardown(master.close);
  const without = await helios(master, ['jobs']);
  t.is(without.code, 1);
  t.regex(without.stderr, /^helios: .*token/i);
  const withToken = await helios(master, ['jobs', '--json'], { env: { HELIOS_TOKEN: 's3cret' } });
  t.is(withToken.code, 0, withToken.stderr);
  t.deepEqual(withToken.json(), {});
});

test('whoami names the token and its role; a role that may not gets one line naming the role it needs; audit shows who did what', async (t) => {
  const master = await startTestMaster({ tokens: [
    { token: 'deploy-token-0123456789', role: 'deploy', name: 'ci' },
    { token: 'read-token-0123456789', role: 'read', name: 'dashboard' },
  ], admission: { capabilities: ['NET_ADMIN'] } });
  t.teardown(master.close);
  const ci = { env: { HELIOS_TOKEN: 'deploy-token-0123456789' } };
  const dashboard = { env: { HELIOS_TOKEN: 'read-token-0123456789' } };
  const me = await helios(master, ['whoami'], ci);
  t.is(me.code, 0, me.stderr);
  t.regex(me.stdout, /^ci \(deploy\)\ncluster [0-9a-f-]{36}\n/);
  t.is(me.stdout.split('\n')[2], 'privileged job fields allowed: host paths none; network modes none; capabilities NET_ADMIN; security options none');
  t.like((await helios(master, ['whoami', '--json'], dashboard)).json(), { name: 'dashboard', role: 'read', anonymous: false });

  const refused = await helios(master, ['create', 'web:1', 'busybox:latest'], dashboard);
  t.is(refused.code, 1);
  t.is(refused.stderr.trim().split('\n').at(-1), 'helios: token "dashboard" (role read) may not POST /jobs: it needs role deploy');
  const rooted = await helios(master, ['create', 'rooted:1', 'busybox:latest', '--volume', '/:/host'], ci);
  t.is(rooted.code, 1);
  t.regex(rooted.stderr, /helios: job rooted:1:[0-9a-f]{40} asks for privileged fields that token "ci" \(role deploy\) may not create: volumes\.\/host: mounts the host's root/);

  const created = await helios(master, ['create', 'web:1', 'busybox:latest'], ci);
  t.is(created.code, 0, created.stderr);
  const audit = await helios(master, ['audit', 'web:1'], dashboard);
  t.is(audit.code, 0, audit.stderr);
  const [head, row] = tableRows(audit.stdout);
  t.deepEqual(head, ['TIMESTAMP', 'TOKEN', 'USER', 'ACTION', 'JOB', 'HOST', 'DETAIL']);
  t.deepEqual(row.slice(1, 5), ['ci', userInfo().username, 'create', created.stdout.trim()]);
});

test('whoami shows the control characters of what a master answers as escapes, never raw (L5)', async (t) => {
  // A stand-in for a hostile master (or one behind a hostile proxy): the real one names no token like this.
  const me = { name: 'ci\u001b]0;owned\u0007', role: 'deploy', anonymous: false, clusterId: 'c\u001b[2J',
    admission: { hostPaths: ['/srv\u009b'], networkModes: [], capabilities: [], securityOpts: [] } };
  const server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(me)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const r = await helios({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }, ['whoami']);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, 'ci\\u001b]0;owned\\u0007 (deploy)\ncluster c\\u001b[2J\n'
    + 'privileged job fields allowed: host paths /srv\\u009b; network modes none; capabilities none; security options none\n');
});

test('solo refuses a --branch the repository does not have, or a folder outside git, before starting anything', async (t) => {
  const home = await tempDir('solo-home-');
  const outside = await tempDir('solo-outside-');
  t.teardown(home.cleanup);
  t.teardown(outside.cleanup);
  const noBranch = await helios(null, ['solo', '--home', home.path, '--branch', 'no-such-branch']);
  t.is(noBranch.code, 1);
  t.regex(noBranch.stderr, /--branch no-such-branch: no such branch in /);
  const noRepo = await helios(null, ['solo', '--home', home.path, '--repo', outside.path]);
  t.is(noRepo.code, 1);
  t.regex(noRepo.stderr, /is not in a git repository \(give --repo PATH, or --no-syncer\)/);
  t.deepEqual(readdirSync(home.path), [], 'nothing started, no logs written');
});

test('a solo killed with SIGKILL leaves its master running; the next solo of that home stops it first, then starts', async (t) => {
  await ensureCliBuilt();
  const home = await tempDir('solo-killed-');
  t.teardown(home.cleanup);
  const port = await freePort();
  const args = [CLI_BIN, 'solo', '--home', home.path, '--no-agent', '--no-syncer', '--http', `127.0.0.1:${port}`];
  const running = /Helios is running \(solo\)/;

  const first = spawnProcess(process.execPath, args, { cwd: ROOT });
  t.teardown(() => first.kill('SIGKILL'));
  await first.waitForOutput(running, 30_000);
  await first.waitForOutput(/^ {2}tokens {3}none: anyone on this machine can deploy/m, 5_000); // solo says its master takes no tokens
  const masterPid = Number(/^master (\d+)$/m.exec(readFileSync(join(home.path, 'solo.pid'), 'utf8'))![1]);
  t.teardown(() => { if (isAlive(masterPid)) process.kill(masterPid, 'SIGKILL'); });
  await first.kill('SIGKILL');
  t.true(isAlive(masterPid), 'the master outlives a SIGKILL of solo (its own process group)');

  const second = spawnProcess(process.execPath, args, { cwd: ROOT });
  t.teardown(() => second.kill('SIGKILL'));
  await second.waitForOutput(new RegExp(`stopping helios-master \\(pid ${masterPid}\\), left running by a helios solo that was killed`), 20_000);
  await second.waitForOutput(running, 30_000);
  t.false(isAlive(masterPid));
  t.is((await fetch(`http://127.0.0.1:${port}/version`)).status, 200, 'the new master answers on the same port');
  t.is((await second.kill('SIGTERM')).code, 0);
});
