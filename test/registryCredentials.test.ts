/**
 * Private images pulled by a real agent from a real registry (test/harness/registry.ts) with the
 * credentials the docker CLI would use: `auths` of `--docker-config`, a credential helper on PATH,
 * a rotated password, and the failures a user must see (wrong or missing credentials).
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import test from 'ava';
import { agentContainers, dockerClient, deployJob, startMasterFor, startTestAgent, waitForState, waitForStatus, type TestAgent } from './harness/agent.js';
import type { TestMaster } from './harness/master.js';
import { tempDir } from './harness/processes.js';
import { basicAuth, startRegistry, type TestRegistry } from './harness/registry.js';

const PASSWORD = 'first-Pa55word';
const ROTATED = 'second-Pa55word';
const HELPER_PASSWORD = 'helper-Pa55word';
const WRONG = 'wrong-Pa55word';
const SECRETS = [PASSWORD, ROTATED, HELPER_PASSWORD, WRONG, basicAuth('alice', PASSWORD), basicAuth('alice', ROTATED)];

let registry: TestRegistry;
let images: string[];
let work: string;

test.before(async () => {
  registry = await startRegistry({ alice: PASSWORD, helen: HELPER_PASSWORD });
  work = (await tempDir('helios-regcreds-')).path;
  images = [];
  for (const tag of ['auths', 'helper', 'rotated', 'wrong', 'none']) images.push(await registry.push('busybox:latest', `private/busybox:${tag}`, 'alice'));
  // The credential helper of the issue: `docker-credential-test` on PATH, answering helen's password
  // for this registry and "not found" for anything else.
  const bin = join(work, 'bin');
  await writeFile(join(work, 'helper.json'), JSON.stringify({ ServerURL: registry.host, Username: 'helen', Secret: HELPER_PASSWORD }));
  await mkdir(bin);
  await writeFile(join(bin, 'docker-credential-test'), `#!/bin/sh
read -r server
[ "$1" = get ] && [ "$server" = "${registry.host}" ] && exec cat "${join(work, 'helper.json')}"
echo 'credentials not found in native keychain'; exit 1
`);
  await chmod(join(bin, 'docker-credential-test'), 0o755);
  process.env.PATH = `${bin}${delimiter}${process.env.PATH ?? ''}`;
});

test.after.always(async () => {
  for (const image of images ?? []) await dockerClient().getImage(image).remove().catch(() => {});
  await registry?.close();
});

/** What the master holds and shows of the job (status, history) and the agent's log: no secret in any. */
async function assertNoSecret(t: { false(v: boolean, m?: string): void }, master: TestMaster, agent: TestAgent, jobId: string) {
  const shown = JSON.stringify([await master.client.jobs.status(jobId), await master.client.jobs.history(jobId)]);
  const logs = JSON.stringify(agent.logs);
  const db = (await readFile(master.dbPath)).toString('latin1') + (await readFile(`${master.dbPath}-wal`).catch(() => Buffer.alloc(0))).toString('latin1');
  for (const secret of SECRETS) {
    t.false(shown.includes(secret), 'a secret in the master\'s answers');
    t.false(logs.includes(secret), 'a secret in the agent\'s log');
    t.false(db.includes(secret), 'a secret in the master\'s database');
  }
}

test('a private image is pulled with the auths of --docker-config, and a rotated password works at the next pull without a restart', async (t) => {
  const master = await startMasterFor(t);
  const dockerConfig = await registry.dockerConfig('alice', PASSWORD, join(work, 'alice'));
  const agent = await startTestAgent(t, master, { dockerConfig });
  const first = await deployJob(master, agent.name, { name: 'auths', image: images[0], command: ['sleep', '1000'] });
  t.is((await waitForState(master, first, agent.name, 'RUNNING')).containerError, null);

  await registry.setPassword('alice', ROTATED);
  await registry.dockerConfig('alice', ROTATED, dockerConfig);
  const second = await deployJob(master, agent.name, { name: 'rotated', image: images[2], command: ['sleep', '1000'] });
  await waitForState(master, second, agent.name, 'RUNNING');
  t.is((await agentContainers(agent.name)).length, 2);
  await assertNoSecret(t, master, agent, first);
  await assertNoSecret(t, master, agent, second);
});

test('a credential helper on PATH (credHelpers) gives the credentials, before the auths entry', async (t) => {
  const master = await startMasterFor(t);
  const dockerConfig = join(work, 'helper');
  await mkdir(dockerConfig);
  await writeFile(join(dockerConfig, 'config.json'), JSON.stringify({
    credHelpers: { [registry.host]: 'test' },
    auths: { [registry.host]: { auth: basicAuth('alice', WRONG) } },
  }));
  const agent = await startTestAgent(t, master, { dockerConfig });
  const jobId = await deployJob(master, agent.name, { name: 'helper', image: images[1], command: ['sleep', '1000'] });
  await waitForState(master, jobId, agent.name, 'RUNNING');
  t.true(agent.logs.some((l) => l.msg === 'pull credentials' && l.credentials === 'docker-credential-test'));
  await assertNoSecret(t, master, agent, jobId);
});

test('a wrong password, or none, is IMAGE_PULL_FAILED with the registry\'s reason at once, then retried after the throttle', async (t) => {
  const master = await startMasterFor(t);
  const dockerConfig = await registry.dockerConfig('alice', WRONG, join(work, 'wrong'));
  const agent = await startTestAgent(t, master, { dockerConfig });
  const cases = [
    { name: 'wrong', image: images[3], reason: 'unauthorized: authentication required' },
    // The same registry under another name, which the docker config does not know.
    { name: 'none', image: images[4].replace('127.0.0.1', 'localhost'),
      reason: `Head "http://${registry.host.replace('127.0.0.1', 'localhost')}/v2/private/busybox/manifests/none": no basic auth credentials` },
  ];
  for (const c of cases) {
    const jobId = await deployJob(master, agent.name, { name: c.name, image: c.image, command: ['sleep', '1000'] });
    const deployedAt = Date.now();
    const failed = await waitForStatus(master, jobId, agent.name, (s) => s.state === 'FAILED', { message: `${c.name}: FAILED` });
    t.log(`${c.name}: FAILED ${Date.now() - deployedAt} ms after the deploy`);
    t.is(failed.throttled, 'IMAGE_PULL_FAILED');
    t.is(failed.containerError, `image pull failed: ${c.image}: ${c.reason}`);
    t.deepEqual(await agentContainers(agent.name).then((list) => list.filter((x) => x.Labels['helios.job'] === jobId)), []);
    await assertNoSecret(t, master, agent, jobId);
  }
  const pulls = agent.logs.filter((l) => l.msg === 'pull credentials');
  t.is(pulls.length, 2, 'one pull each: the throttle (30 s) holds the next');
});
