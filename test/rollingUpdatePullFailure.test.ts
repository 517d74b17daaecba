/**
 * A wrong registry password fails a rolling update at once (issue 18 with issue 17): a real registry
 * (test/harness/registry.ts) holding a private image, the master's account for it with a wrong password,
 * two real agents without any docker config labelled role=web. Rolling the group to the private image
 * ends FAILED with the registry's IMAGE_PULL_FAILED within seconds (not the step's timeout), and with
 * auto-revert the touched host runs the previous version again.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { agentContainers, dockerClient, startMasterFor, startTestAgent, uniqueName } from './harness/agent.js';
import { tempDir, waitFor } from './harness/processes.js';
import { startRegistry, type TestRegistry } from './harness/registry.js';

const PASSWORD = 'rollout-Pa55word-right';
const WRONG = 'rollout-Pa55word-wrong';
const web = [{ label: 'role', operator: 'EQUALS' as const, operand: 'web' }];

let registry: TestRegistry;
let privateImage: string;
let work: string;

test.before(async () => {
  registry = await startRegistry({ alice: PASSWORD });
  work = (await tempDir('helios-rollout-pull-')).path;
  privateImage = await registry.push('busybox:latest', 'private/rollout:v2', 'alice');
});

test.after.always(async () => {
  if (privateImage) await dockerClient().getImage(privateImage).remove().catch(() => {});
  await registry?.close();
});

test('a rolling update to an image the master\'s account cannot pull fails at once with the registry\'s reason, and auto-revert puts the previous version back', async (t) => {
  const master = await startMasterFor(t, { secretsKeyFile: { path: join(work, 'home', 'secrets.key'), create: true } });
  const client = master.client;
  await client.registry.login(registry.host, { host: registry.host, username: 'alice', password: WRONG });
  const noDockerConfig = join(work, 'no-docker-config');
  await mkdir(noDockerConfig, { recursive: true });
  const prefix = uniqueName('pf');
  const agents = await Promise.all([1, 2].map((i) => startTestAgent(t, master, { name: `${prefix}-${i}`, labels: { role: 'web' }, dockerConfig: noDockerConfig })));
  await waitFor(async () => {
    const statuses = await Promise.all(agents.map((a) => client.hosts.status(a.name)));
    return statuses.every((s) => s.status === 'UP' && s.labels.role === 'web') || undefined;
  }, { message: 'agents UP with their labels' });
  await client.deploymentGroups.create({ name: 'web', hostSelectors: web });

  const sleeper = { command: ['sleep', '1000'], init: true, secondsToWaitBeforeKill: 1 };
  const v1 = (await client.jobs.create({ id: 'app:1', image: 'busybox:latest', ...sleeper })).id;
  const v2 = (await client.jobs.create({ id: 'app:2', image: privateImage, ...sleeper })).id;
  const settled = () => waitFor(async () => {
    const s = await client.deploymentGroups.status('web');
    return s.status !== 'ROLLING_OUT' ? s : undefined;
  }, { timeoutMs: 60_000, intervalMs: 50, message: 'the rollout to settle' });

  await client.deploymentGroups.rollingUpdate('web', { job: v1 });
  t.is((await settled()).status, 'ACTIVE');

  const began = Date.now();
  // A 300 s step timeout: only the pull failure can end this rollout in seconds.
  const { rolloutId } = await client.deploymentGroups.rollingUpdate('web', { job: v2, rolloutOptions: { timeout: 300, autoRevert: true } });
  const failed = await settled();
  const ms = Date.now() - began;
  t.is(failed.status, 'FAILED');
  t.regex(failed.error ?? '', /cannot reach state RUNNING due to failure pulling Docker image/);
  t.true(ms < 30_000, `the rollout failed after ${ms} ms`);
  const record = (await client.deploymentGroups.history('web')).rollouts.find((r) => r.id === rolloutId);
  t.like(record, { outcome: 'FAILED', errorCode: 'IMAGE_PULL_FAILED', reverted: true, previousJobId: v1 });

  // The failed pull's status carried the registry's own reason (v2's history: its task is gone since the revert).
  const reasons = (await client.jobs.history(v2)).events.map((e) => e.status.containerError ?? '');
  t.true(reasons.some((r) => /unauthorized/.test(r)), `reasons: ${JSON.stringify(reasons)}`);

  // Reverted: every host runs v1 again, and v2 runs nowhere.
  const running = await waitFor(async () => {
    const jobs = await Promise.all(agents.map(async (a) => (await agentContainers(a.name)).filter((c) => c.State === 'running').map((c) => c.Labels['helios.job'])));
    return jobs.every((j) => j.length === 1 && j[0] === v1) ? jobs : undefined;
  }, { timeoutMs: 30_000, message: 'v1 running again on every host' });
  t.deepEqual(running, agents.map(() => [v1]));
  t.log(`rolling update to an unpullable image: FAILED and reverted ${ms} ms after the request`);
});
