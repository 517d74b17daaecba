/**
 * Image garbage collection on a real Docker engine, with images a real agent pulled from a real
 * registry (test/harness/registry.ts): an agent with the collection off pulls five images and is
 * stopped; the same agent (same state dir) started again with it on removes the unused one after the
 * grace period and keeps the one a task runs, the last one of each repository (--image-gc-keep 1), an
 * older one a stopped container of no agent uses (until that container goes) and one it never
 * pulled. So the record of pulled images survives a restart.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { agentContainers, dockerClient, deployJob, startMasterFor, startTestAgent, uniqueName, waitForState } from './harness/agent.js';
import { tempDir, waitFor } from './harness/processes.js';
import { startRegistry, type TestRegistry } from './harness/registry.js';

let registry: TestRegistry;
const made: string[] = [];

test.before(async () => {
  registry = await startRegistry({ alice: 'gc-Pa55word' });
});

test.after.always(async () => {
  const docker = dockerClient();
  for (const image of made) await docker.getImage(image).remove({ force: true }).catch(() => {});
  await registry?.close();
});

const present = (ref: string) => dockerClient().getImage(ref).inspect().then(() => true, () => false);

test('unused pulled images go after the grace period; used, last-of-repository and not-pulled ones stay', async (t) => {
  const docker = dockerClient();
  const repo = uniqueName('gc');
  // Distinct images (a random layer each), pushed and then dropped from the engine: the agent pulls them.
  const refs: string[] = [];
  for (const name of [`${repo}/app:1`, `${repo}/app:2`, `${repo}/app:3`, `${repo}/other:1`, `${repo}/other:2`]) refs.push(await registry.pushLargeImage(name, 1_024, 'alice'));
  made.push(...refs);
  // An image on the engine the agent never pulled: a commit of a busybox container.
  const helper = await docker.createContainer({ Image: 'busybox:latest', Cmd: ['true'] });
  const notPulled = `${repo}-local/notpulled:1`;
  await helper.commit({ repo: `${repo}-local/notpulled`, tag: '1' });
  await helper.remove();
  made.push(notPulled);

  const master = await startMasterFor(t);
  const work = await tempDir('helios-gc-');
  t.teardown(work.cleanup);
  const dockerConfig = await registry.dockerConfig('alice', 'gc-Pa55word', join(work.path, 'docker'));
  const name = uniqueName('gc-agent');
  const stateDir = join(work.path, 'state');
  const first = await startTestAgent(t, master, { name, stateDir, dockerConfig, pullPolicy: 'missing', imageGc: { intervalMs: 0 } });
  const jobs: string[] = [];
  for (const [n, image] of refs.entries()) {
    jobs.push(await deployJob(master, name, { name: `gc${n}`, image, command: ['sleep', '1000'] }));
    await waitForState(master, jobs[n], name, 'RUNNING');
  }
  for (const n of [0, 1, 3, 4]) await master.client.deployments.undeploy(name, jobs[n]);
  await waitFor(async () => (await agentContainers(name)).length === 1, { message: 'the undeployed containers removed' });
  // A stopped container made by hand (no agent's) from the agent's pulled `other:1`.
  const byHand = await docker.createContainer({ Image: refs[3], Cmd: ['true'] });
  t.teardown(() => byHand.remove({ force: true }).catch(() => {}));
  await first.stop();
  const record = JSON.parse(await readFile(join(stateDir, 'pulled-images.json'), 'utf8')) as { images: Record<string, { refs: string[] }> };
  t.deepEqual(Object.values(record.images).flatMap((i) => i.refs).sort(), [...refs].sort(), 'the five pulls recorded, nothing else');
  for (const ref of [...refs, notPulled]) t.true(await present(ref), `${ref} present with the collection off`);

  const graceMs = 1_500;
  const restartedAt = Date.now();
  const second = await startTestAgent(t, master, { name, stateDir, dockerConfig, pullPolicy: 'missing', imageGc: { intervalMs: 200, graceMs, keep: 1 } });
  await waitFor(async () => !(await present(refs[0])), { timeoutMs: 20_000, message: `${refs[0]} removed` });
  const removedAfterMs = Date.now() - restartedAt;
  t.log(`app:1 removed ${removedAfterMs} ms after the restart (grace ${graceMs} ms, passes every 200 ms)`);
  t.true(removedAfterMs >= graceMs, 'not before the grace period (the restart started its clock)');
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  t.true(await present(refs[1]), 'app:2 kept: the last unused image of its repository');
  t.true(await present(refs[2]), 'app:3 kept: its task runs it');
  t.true(await present(refs[3]), 'other:1 kept: a stopped container of no agent uses it (other:2 is the last of the repository)');
  t.true(await present(refs[4]), 'other:2 kept: the last unused image of its repository');
  t.true(await present(notPulled), 'an image the agent did not pull kept');
  const removals = second.logs.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('removed unused image'));
  t.deepEqual(removals.map((l) => l.msg), [`removed unused image ${refs[0]}`]);

  await byHand.remove();
  await waitFor(async () => !(await present(refs[3])), { timeoutMs: 10_000, message: `${refs[3]} removed once its container is gone` });
  t.true(await present(refs[1]) && await present(refs[2]) && await present(refs[4]) && await present(notPulled));
  t.is((await waitForState(master, jobs[2], name, 'RUNNING')).containerError, null);
});
