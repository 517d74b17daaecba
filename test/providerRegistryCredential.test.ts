/**
 * `RegistryCredential` through the real @pulumi/pulumi dynamic-provider host (test/harness/pulumiHost.ts)
 * against a real master holding registry accounts: Check, Create (a registry login), Diff and Update on
 * a rotated password, Read, Delete (a logout), the password taken from the stack config
 * `helios:registryPasswords`, and never in what the provider returns for Pulumi's state, the master's
 * answers or its database. Then a private image of a real registry (test/harness/registry.ts) runs on
 * a real agent that has no docker config, pulled with that account, before and after the rotation.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { deployJob, dockerClient, startMasterFor, startTestAgent, uniqueName, waitForState } from './harness/agent.js';
import { tempDir } from './harness/processes.js';
import { pulumiProgramDir, serializeProvider, startProviderHost, urn } from './harness/pulumiHost.js';
import { startRegistry, type TestRegistry } from './harness/registry.js';
import * as pulumi from '@pulumi/pulumi';
import { RegistryCredential, registryCredentialProvider } from 'helios/provider';

const STACK = 'pulumi:helios-test/test';
const PASSWORD = 'pulumi-held-Pa55word-1';
const ROTATED = 'pulumi-held-Pa55word-2';
const CONFIG_PASSWORD = 'pulumi-config-Pa55word-3';
const ADMIN = 'admin-token-0123456789abcdef';

// Serial: the registry harness pushes through one docker config of its own.
let registry: TestRegistry;
const images: string[] = [];

test.before(async () => {
  registry = await startRegistry({ alice: PASSWORD, carol: CONFIG_PASSWORD });
});

test.after.always(async () => {
  for (const image of images) await dockerClient().getImage(image).remove().catch(() => {});
  await registry?.close();
});

/** A master with registry accounts (admin token, secrets key), a provider host configured for it, and an agent with an empty docker config. */
async function setup(t: Parameters<typeof startMasterFor>[0], config: Record<string, string> = {}) {
  const work = await tempDir('helios-pulumi-registry-');
  t.teardown(work.cleanup);
  const agentName = uniqueName();
  const agentToken = `agent-token-${agentName}-0123456789`;
  const master = await startMasterFor(t, {
    tokens: [{ token: ADMIN, role: 'admin', name: 'pulumi' }, { token: agentToken, role: 'agent', host: agentName, name: 'agent' }],
    secretsKeyFile: { path: join(work.path, 'secrets.key'), create: true },
  });
  const program = pulumiProgramDir();
  t.teardown(program.remove);
  const host = await startProviderHost({ cwd: program.dir, project: 'helios-test', env: { HELIOS_MASTER: '', HELIOS_TOKEN: '' } });
  t.teardown(host.stop);
  await host.configure({ 'helios:master': master.url, 'helios:token': ADMIN, ...config });
  const agent = await startTestAgent(t, master, { name: agentName, token: agentToken, dockerConfig: join(work.path, 'no-docker-config') });
  return { master, host, agent, __provider: await serializeProvider(registryCredentialProvider) };
}

/** No secret in the state the provider hands Pulumi, nor in the master's answers or database file. */
async function assertNowhere(t: { false(v: boolean, m?: string): void }, master: { dbPath: string; client: { registry: { list(): Promise<unknown> } } }, secrets: string[], ...states: unknown[]) {
  const db = (await readFile(master.dbPath)).toString('latin1') + (await readFile(`${master.dbPath}-wal`).catch(() => Buffer.alloc(0))).toString('latin1');
  const shown = JSON.stringify([states, await master.client.registry.list()]);
  for (const secret of secrets) {
    t.false(shown.includes(secret), 'a password in the state or an answer');
    t.false(db.includes(secret), "a password in the master's database");
  }
}

test.serial('create logs in, a rotated password updates in place, delete logs out; a private image runs on an agent without a docker config', async (t) => {
  const { master, host, agent, __provider } = await setup(t);
  const image = await registry.push('busybox:latest', `private/pulumi:${uniqueName('v')}`, 'alice');
  images.push(image);
  const credUrn = urn('RegistryCredential', 'team');
  const inputs = { host: registry.host, username: 'alice', password: PASSWORD, owner: STACK, __provider };

  const bad = await host.check(credUrn, {}, { ...inputs, host: 'http://a b', name: '-x', password: '' });
  t.deepEqual(bad.failures.map((f) => f.property), ['host', 'name', 'password']);
  const missing = await host.check(credUrn, {}, { host: registry.host, username: 'alice', owner: STACK, __provider });
  t.regex(missing.failures[0]?.reason ?? '', /^password: give one \(a secret\), or set it in the stack config: pulumi config set --secret helios:registryPasswords/);
  const checked = await host.check(credUrn, {}, inputs);
  t.deepEqual(checked, { inputs: { ...inputs, name: registry.host }, failures: [] });

  const { id, properties } = await host.create(credUrn, checked.inputs);
  t.is(id, registry.host);
  t.like(properties, { name: registry.host, host: registry.host, username: 'alice', owner: STACK });
  t.regex(String(properties.passwordDigest), /^scrypt:[0-9a-f]{32}:[0-9a-f]{64}$/);
  t.false('password' in properties, 'no password among the outputs');
  t.like((await master.client.registry.list())[0], { name: registry.host, host: registry.host, username: 'alice' });

  const job = await deployJob(master, agent.name, { name: 'private', image, command: ['sleep', '1000'] });
  t.is((await waitForState(master, job, agent.name, 'RUNNING')).containerError, null);
  t.true(agent.logs.some((l) => l.msg === 'pull credentials' && String(l.credentials).includes(registry.host)), 'pulled with the master\'s account');

  t.deepEqual(await host.diff(credUrn, id, properties, checked.inputs), { changes: 'NONE', replaces: [], deleteBeforeReplace: false });
  const rotatedInputs = { ...checked.inputs, password: ROTATED };
  t.deepEqual(await host.diff(credUrn, id, properties, rotatedInputs), { changes: 'SOME', replaces: [], deleteBeforeReplace: false });
  t.deepEqual(await host.diff(credUrn, id, properties, { ...checked.inputs, name: 'other' }), { changes: 'SOME', replaces: ['name'], deleteBeforeReplace: true });

  await registry.setPassword('alice', ROTATED);
  const updated = await host.update(credUrn, id, properties, rotatedInputs);
  t.not(updated.properties.passwordDigest, properties.passwordDigest);
  t.deepEqual(await host.diff(credUrn, id, updated.properties, rotatedInputs), { changes: 'NONE', replaces: [], deleteBeforeReplace: false });
  t.true((updated.properties.updated as number) > (properties.updated as number));
  const rotatedImage = await registry.push('busybox:latest', `private/pulumi:${uniqueName('v')}`, 'alice');
  images.push(rotatedImage);
  const second = await deployJob(master, agent.name, { name: 'rotated', image: rotatedImage, command: ['sleep', '1000'] });
  t.is((await waitForState(master, second, agent.name, 'RUNNING')).containerError, null, 'the next pull uses the rotated password, nothing restarted');

  const read = await host.read(credUrn, id, updated.properties);
  t.deepEqual(read, { id, properties: updated.properties });
  await assertNowhere(t, master, [PASSWORD, ROTATED], properties, updated.properties, read);

  await host.delete(credUrn, id, updated.properties);
  t.deepEqual(await master.client.registry.list(), []);
  t.is((await host.read(credUrn, id, updated.properties)).id, '', 'an account gone from the master reads as gone');
  await host.delete(credUrn, id, updated.properties);
});

test.serial('the password from the stack config helios:registryPasswords, under an account name a job names', async (t) => {
  const { master, host, agent, __provider } = await setup(t, { 'helios:registryPasswords': JSON.stringify({ 'team-carol': CONFIG_PASSWORD }) });
  const image = await registry.push('busybox:latest', `private/pulumi:${uniqueName('c')}`, 'carol');
  images.push(image);
  const credUrn = urn('RegistryCredential', 'carol');
  const checked = await host.check(credUrn, {}, { host: registry.host, username: 'carol', name: 'team-carol', owner: STACK, __provider });
  t.deepEqual(checked.failures, []);
  t.false('password' in checked.inputs);
  const { id, properties } = await host.create(credUrn, checked.inputs);
  t.is(id, 'team-carol');
  t.deepEqual(await host.diff(credUrn, id, properties, checked.inputs), { changes: 'NONE', replaces: [], deleteBeforeReplace: false });
  const job = await deployJob(master, agent.name, { name: 'carol', image, registryAuth: 'team-carol', command: ['sleep', '1000'] });
  t.is((await waitForState(master, job, agent.name, 'RUNNING')).containerError, null);
  await assertNowhere(t, master, [CONFIG_PASSWORD], properties);

  // The host runs the provider's configure when a resource first brings the provider (in __provider).
  const program = pulumiProgramDir();
  t.teardown(program.remove);
  const other = await startProviderHost({ cwd: program.dir, project: 'helios-test', env: { HELIOS_MASTER: '', HELIOS_TOKEN: '' } });
  t.teardown(other.stop);
  await other.configure({ 'helios:master': master.url, 'helios:registryPasswords': `not json ${CONFIG_PASSWORD}` });
  const refused = await t.throwsAsync(other.check(credUrn, {}, { host: registry.host, username: 'carol', name: 'team-carol', owner: STACK, __provider }));
  t.regex(refused!.message, /stack config helios:registryPasswords must be a JSON object of registry account name to password/);
  t.false(refused!.message.includes(CONFIG_PASSWORD), 'the error never shows the value');
});

test.serial('helios.RegistryCredential sends a plain password as a Pulumi secret, so the engine keeps it encrypted in the state', async (t) => {
  // Under setMocks (no engine here): what the engine would receive from the program, secrets marked.
  const received: Record<string, unknown>[] = [];
  await pulumi.runtime.setMocks({
    async newResource(args) {
      received.push(args.inputs as Record<string, unknown>);
      return { id: 'team', state: { name: 'team' } };
    },
    call: async () => ({}),
  }, 'helios-test', 'test', false);
  const cred = new RegistryCredential('team', { host: '127.0.0.1:5000', username: 'ci', password: 'plain-Pa55' });
  await new Promise((resolve) => cred.urn.apply(resolve));
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.is(received.length, 1);
  const inputs = received[0];
  t.deepEqual(inputs.password, { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: 'plain-Pa55' });
  t.like(inputs, { host: '127.0.0.1:5000', username: 'ci', owner: STACK });
  t.is(typeof inputs.__provider, 'string');
});
