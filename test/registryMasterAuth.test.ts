/**
 * Master-held registry credentials end to end: `helios registry login` through the real CLI, a
 * private image of a real registry (test/harness/registry.ts) pulled by a real agent that has no
 * docker config at all, rotation, a wrong password, who may ask for a secret, and the secret absent
 * from every answer, log and the database.
 */
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { createClient, type HeliosError, type HeliosClient } from '../core/index.js';
import { agentContainers, deployJob, dockerClient, startMasterFor, startTestAgent, uniqueName, waitForState, waitForStatus, withAgentLog } from './harness/agent.js';
import { spawnMaster, type TestMaster } from './harness/master.js';
import { tempDir } from './harness/processes.js';
import { dumpPostgres, onPostgres } from './harness/postgres.js';
import { basicAuth, startRegistry, type TestRegistry } from './harness/registry.js';
import { helios, heliosOnTerminal, tableRows } from './cliHarness.js';

const PASSWORD = 'master-held-Pa55word-1';
const ROTATED = 'master-held-Pa55word-2';
const WRONG = 'master-held-wrong-Pa55';
// The terminal test's own user: the test beside it rotates alice's password while it runs.
const ASKED_USER = 'bob';
const ASKED_PASSWORD = 'typed-at-the-prompt-Pa55';
const SECRETS = [PASSWORD, ROTATED, WRONG, basicAuth('alice', PASSWORD), basicAuth('alice', ROTATED), basicAuth('alice', WRONG)];
const ADMIN = 'admin-token-0123456789abcdef';
const DEPLOY = 'deploy-token-0123456789abcdef';
const AGENT_A = 'agent-a-token-0123456789abcdef';
const AGENT_B = 'agent-b-token-0123456789abcdef';

let registry: TestRegistry;
let images: string[];
let work: string;

test.before(async () => {
  registry = await startRegistry({ alice: PASSWORD, [ASKED_USER]: ASKED_PASSWORD });
  work = (await tempDir('helios-masterauth-')).path;
  images = [];
  // One image per use: a test that finds its image already pulled by another sees no pull.
  for (const tag of ['first', 'rotated', 'wrong', 'asked']) images.push(await registry.push('busybox:latest', `private/busybox:${tag}`, 'alice'));
});

test.after.always(async () => {
  for (const image of images ?? []) await dockerClient().getImage(image).remove().catch(() => {});
  await registry?.close();
});

/** `helios registry login` as an admin (or `token`), the password on stdin. */
const login = (master: TestMaster, password: string, more: string[] = [], token = ADMIN) =>
  helios(master, ['registry', 'login', registry.host, '-u', 'alice', '--password-stdin', ...more], { input: `${password}\n`, env: { HELIOS_TOKEN: token } });

async function expectRefusal(t: { is(a: unknown, b: unknown, m?: string): void; fail(m: string): void }, call: Promise<unknown>, status: number, what: string) {
  try {
    await call;
    t.fail(`${what}: answered`);
  } catch (err) {
    t.is((err as HeliosError).httpStatus, status, what);
  }
}

test('a job of a private registry runs on an agent without a docker config, with the master\'s account; rotation, registryAuth, a wrong password, and no secret anywhere', async (t) => {
  const masterLog: string[] = [];
  const agentName = uniqueName();
  const master = await startMasterFor(t, {
    tokens: [
      { token: ADMIN, role: 'admin', name: 'root' }, { token: DEPLOY, role: 'deploy', name: 'ci' },
      { token: AGENT_A, role: 'agent', host: agentName, name: 'agent-a' }, { token: AGENT_B, role: 'agent', host: 'other-host', name: 'agent-b' },
    ],
    secretsKeyFile: { path: join(work, 'home', 'secrets.key'), create: true },
    logger: { level: 'debug', stream: { write: (line: string) => { masterLog.push(line); } } },
  });
  const admin = master.client;
  const clientOf = (token: string): HeliosClient => createClient({ baseUrl: master.url, token });
  const cliOutputs: string[] = [];

  // Login through the real CLI; a non-admin token is refused and changes nothing.
  const refused = await login(master, PASSWORD, [], DEPLOY);
  t.is(refused.code, 1);
  t.regex(refused.stderr, /FORBIDDEN|may not PUT \/registry\/accounts\/:name: it needs role admin/);
  await expectRefusal(t, clientOf(DEPLOY).registry.login('x', { host: registry.host, username: 'alice', password: PASSWORD }), 403, 'deploy token logs in');
  await expectRefusal(t, clientOf(DEPLOY).registry.list(), 403, 'deploy token lists');
  t.deepEqual(await admin.registry.list(), []);
  const loggedInAt = Date.now();
  const first = await login(master, PASSWORD);
  cliOutputs.push(first.stdout, first.stderr);
  t.is(first.code, 0, first.stderr);
  t.is(first.lastLine, `${registry.host}: logged in to ${registry.host} as alice`);
  t.is((await stat(join(work, 'home', 'secrets.key'))).mode & 0o777, 0o600, 'the key file made at the first login is 0600');

  const emptyConfig = join(work, 'no-docker-config');
  await mkdir(emptyConfig, { recursive: true });
  const agent = await startTestAgent(t, master, { name: agentName, token: AGENT_A, dockerConfig: emptyConfig });
  const firstJob = await deployJob(master, agent.name, { name: 'private', image: images[0], command: ['sleep', '1000'] });
  t.is((await waitForState(master, firstJob, agent.name, 'RUNNING')).containerError, null);
  t.log(`login -> RUNNING on the agent: ${Date.now() - loggedInAt} ms (CLI login, deploy, pull, create, start)`);
  t.true(agent.logs.some((l) => l.msg === 'pull credentials' && l.credentials === `master account ${registry.host}`));

  // Rotation: the registry's password changes, `registry login` again, the next pull uses it.
  await registry.setPassword('alice', ROTATED);
  const rotatedAt = Date.now();
  const again = await login(master, ROTATED);
  cliOutputs.push(again.stdout, again.stderr);
  t.is(again.code, 0, again.stderr);
  const rotatedJob = await deployJob(master, agent.name, { name: 'rotated', image: images[1], command: ['sleep', '1000'] });
  await waitForState(master, rotatedJob, agent.name, 'RUNNING');
  t.log(`rotation: login again -> RUNNING: ${Date.now() - rotatedAt} ms, no restart`);

  // A second account of the same registry with a wrong password, chosen by registryAuth; the host's
  // own account stays the default for jobs that name none.
  const bad = await login(master, WRONG, ['--name', 'bad-account']);
  cliOutputs.push(bad.stdout, bad.stderr);
  t.is(bad.code, 0, bad.stderr);
  const wrongJob = await deployJob(master, agent.name, { name: 'wrong', image: images[2], command: ['sleep', '1000'], registryAuth: 'bad-account' });
  const deployedAt = Date.now();
  const failed = await waitForStatus(master, wrongJob, agent.name, (s) => s.state === 'FAILED', { message: 'wrong password: FAILED' });
  t.log(`wrong password: deploy -> FAILED ${Date.now() - deployedAt} ms`);
  t.is(failed.throttled, 'IMAGE_PULL_FAILED');
  t.is(failed.containerError, `image pull failed: ${images[2]}: unauthorized: authentication required`);
  t.deepEqual((await agentContainers(agent.name)).filter((c) => c.Labels['helios.job'] === wrongJob), []);
  t.is((await admin.jobs.get(wrongJob)).registryAuth, 'bad-account');

  // Who may have a secret: the agent of a host the job is deployed on, no one else.
  const { agentId } = JSON.parse(await readFile(join(agent.stateDir, 'state.json'), 'utf8')) as { agentId: string };
  const asked = await clientOf(AGENT_A).agents.registryAuth(agent.name, firstJob, { agentId });
  t.is(asked.account, registry.host);
  t.is(asked.auth?.password, ROTATED, 'the agent of the host gets the current secret');
  await expectRefusal(t, clientOf(AGENT_B).agents.registryAuth(agent.name, firstJob, { agentId }), 403, 'another host\'s agent');
  await expectRefusal(t, clientOf(ADMIN).agents.registryAuth(agent.name, firstJob, { agentId }), 403, 'an admin token');
  await expectRefusal(t, clientOf(DEPLOY).agents.registryAuth(agent.name, firstJob, { agentId }), 403, 'a deploy token');
  await admin.jobs.create({ id: 'undeployed:1', image: images[0] });
  await expectRefusal(t, clientOf(AGENT_A).agents.registryAuth(agent.name, 'undeployed:1', { agentId }), 404, 'a job not deployed on the host');
  await expectRefusal(t, clientOf(AGENT_A).agents.registryAuth(agent.name, firstJob, { agentId: 'not-the-agent' }), 409, 'another registration id');

  // registry list (table and --json), and logout of one by name.
  const listed = await helios(master, ['registry', 'list'], { env: { HELIOS_TOKEN: ADMIN } });
  const listedJson = await helios(master, ['registry', 'list', '--json'], { env: { HELIOS_TOKEN: ADMIN } });
  cliOutputs.push(listed.stdout, listed.stderr, listedJson.stdout);
  t.deepEqual(tableRows(listed.stdout).map((r) => r.slice(0, 3)), [['NAME', 'HOST', 'USER'], [registry.host, registry.host, 'alice'], ['bad-account', registry.host, 'alice']]);
  t.deepEqual(listedJson.json<Array<Record<string, unknown>>>().map((a) => Object.keys(a).sort()), [['created', 'host', 'name', 'updated', 'username'], ['created', 'host', 'name', 'updated', 'username']]);
  const out = await helios(master, ['registry', 'logout', 'bad-account'], { env: { HELIOS_TOKEN: ADMIN } });
  t.is(out.code, 0, out.stderr);
  t.is(out.lastLine, `bad-account: logged out of ${registry.host}`);
  t.deepEqual((await admin.registry.list()).map((a) => a.name), [registry.host]);
  // logout HOST: the host's only account; with several, the command names them.
  for (const name of ['x1', 'x2']) await admin.registry.login(name, { host: 'https://Registry.Example.test/v2/', username: 'u', password: WRONG });
  const ambiguous = await helios(master, ['registry', 'logout', 'registry.example.test'], { env: { HELIOS_TOKEN: ADMIN } });
  t.is(ambiguous.code, 1);
  t.regex(ambiguous.stderr, /registry registry\.example\.test has 2 accounts \(x1, x2\): log out one by its name/);
  await admin.registry.logout('x1');
  t.is((await admin.registry.logout('registry.example.test')).removed.name, 'x2');
  t.deepEqual((await admin.registry.list()).map((a) => a.name), [registry.host]);

  // No secret in any answer, log or stored byte.
  const answers = JSON.stringify([
    await admin.jobs.list(), await admin.jobs.statuses([firstJob, rotatedJob, wrongJob]), await admin.jobs.history(wrongJob),
    await admin.audit(), await admin.registry.list(), await admin.hosts.status(agent.name),
  ]);
  const audit = (await admin.audit()).events.filter((e) => e.action.startsWith('registry-'));
  t.deepEqual(audit.map((e) => [e.action, e.token, e.detail?.account]),
    [['registry-logout', 'root', 'x2'], ['registry-logout', 'root', 'x1'], ['registry-login', 'root', 'x2'], ['registry-login', 'root', 'x1'],
      ['registry-logout', 'root', 'bad-account'], ['registry-login', 'root', 'bad-account'], ['registry-login', 'root', registry.host], ['registry-login', 'root', registry.host]]);
  const stored = onPostgres() ? JSON.stringify(await dumpPostgres(master.dbPath))
    : (await readFile(master.dbPath)).toString('latin1') + (await readFile(`${master.dbPath}-wal`).catch(() => Buffer.alloc(0))).toString('latin1');
  t.true(stored.includes('registry_accounts') || stored.includes(registry.host), 'the dump holds the accounts');
  const places: Record<string, string> = {
    'API answers': answers, 'master log': masterLog.join(''), 'agent log': JSON.stringify(agent.logs), 'CLI output': cliOutputs.join(''),
    'stored database': stored, 'registry list': listed.stdout + listedJson.stdout,
  };
  for (const [place, text] of Object.entries(places)) for (const secret of SECRETS) t.false(text.includes(secret), `a secret in the ${place}`);
  t.true(masterLog.some((l) => l.includes('/registry/accounts/')), 'the logins were logged (without their bodies)');
});

test('a master refuses to start with a key file any user may read, a named one missing, or one not holding a key; it starts with a good one', async (t) => {
  const dir = (await tempDir('helios-keyfile-')).path;
  const start = async (key: string) => {
    const master = spawnMaster(['--db', join(dir, `${Math.random()}.db`), '--secrets-key-file', key]);
    t.teardown(() => master.kill('SIGKILL'));
    return master;
  };
  const readable = join(dir, 'readable.key');
  await writeFile(readable, `${'ab'.repeat(32)}\n`);
  await chmod(readable, 0o644);
  const garbage = join(dir, 'garbage.key');
  await writeFile(garbage, 'not a key\n', { mode: 0o600 });
  const cases: Array<[string, RegExp]> = [
    [readable, /secrets key file .*readable\.key may be read by any user \(mode 644\): chmod 600/],
    [join(dir, 'missing.key'), /secrets key file .*missing\.key does not exist: make one with \(umask 077; openssl rand -hex 32 > /],
    [garbage, /secrets key file .*garbage\.key must hold 64 hex digits/],
  ];
  for (const [key, message] of cases) {
    const master = await start(key);
    const { code } = await master.exited;
    t.is(code, 1, key);
    t.regex(master.stderr, message);
  }
  const good = join(dir, 'good.key');
  await writeFile(good, `${'cd'.repeat(32)}\n`, { mode: 0o600 });
  const master = await start(good);
  await master.waitForOutput(/master listening/, 60_000);
  t.pass();
});

test('registry login on a terminal asks for the user and, without echo, the password, as docker login; without a terminal it names the flags', async (t) => {
  const agentName = uniqueName();
  const master = await startMasterFor(t, {
    tokens: [{ token: ADMIN, role: 'admin', name: 'root' }, { token: AGENT_A, role: 'agent', host: agentName, name: 'agent-a' }],
    secretsKeyFile: { path: join(work, 'asked', 'secrets.key'), create: true },
  });
  const piped = await helios(master, ['registry', 'login', registry.host], { env: { HELIOS_TOKEN: ADMIN } });
  t.is(piped.code, 1);
  t.regex(piped.stderr, /needs the registry's user: -u USER \(stdin is not a terminal to ask on\)/);
  const noPassword = await helios(master, ['registry', 'login', registry.host, '-u', 'alice'], { env: { HELIOS_TOKEN: ADMIN } });
  t.is(noPassword.code, 1);
  t.regex(noPassword.stderr, /give --password-stdin, or run it on a terminal to be asked/);
  t.deepEqual(await master.client.registry.list(), [], 'nothing stored by the refused logins');

  const asked = await heliosOnTerminal(master, ['registry', 'login', registry.host], [[/Username: /, ASKED_USER], [/Password: /, ASKED_PASSWORD]],
    { env: { HELIOS_TOKEN: ADMIN } });
  t.is(asked.code, 0, asked.output);
  // eslint-disable-next-line no-control-regex -- readline's cursor moves around the prompt
  const shown = asked.output.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  t.regex(shown, new RegExp(`Username: ${ASKED_USER}\\s+Password: \\s+${registry.host}: logged in to ${registry.host} as ${ASKED_USER}`));
  t.false(asked.output.includes(ASKED_PASSWORD), 'the password is not echoed');
  // The password typed is the one stored: the agent, without a docker config, pulls with it.
  const emptyConfig = join(work, 'asked', 'no-docker-config');
  await mkdir(emptyConfig, { recursive: true });
  const agent = await startTestAgent(t, master, { name: agentName, token: AGENT_A, dockerConfig: emptyConfig });
  const job = await deployJob(master, agent.name, { name: 'asked', image: images[3], command: ['sleep', '1000'] });
  t.is((await withAgentLog(agent, () => waitForState(master, job, agent.name, 'RUNNING'))).containerError, null);
});
