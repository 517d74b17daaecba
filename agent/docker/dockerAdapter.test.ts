import test from 'ava';
import { randomBytes } from 'node:crypto';
import { createDockerAdapter, type DockerEvent } from './dockerAdapter.js';
import { isDockerError } from './errors.js';
import { AGENT_LABEL, JOB_LABEL } from './labels.js';

const dockerHost = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';

test('the event stream outlives the per-call timeout and still delivers events', async (t) => {
  const agent = `events-${randomBytes(4).toString('hex')}`;
  // callMs short next to the wait, yet long enough for a loaded engine to answer the subscription.
  const docker = createDockerAdapter(dockerHost, agent, { callMs: 1_000 });
  const events: DockerEvent[] = [];
  let ended: unknown = 'no';
  const subscription = await docker.events((e) => events.push(e), (err) => { ended = err ?? 'ended'; });
  t.teardown(() => subscription.close());
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  t.is(ended, 'no', 'the stream is still open after three times callMs');

  const id = await createDockerAdapter(dockerHost, agent).create({
    Image: 'busybox:latest', Cmd: ['true'], name: agent, Labels: { [AGENT_LABEL]: agent, [JOB_LABEL]: 'j:1:x' },
  });
  t.teardown(() => docker.remove(id));
  const deadline = Date.now() + 10_000;
  while (!events.some((e) => e.containerId === id && e.action === 'create') && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  t.true(events.some((e) => e.containerId === id && e.action === 'create' && e.jobId === 'j:1:x'));
});

test('an exec that never ends is cut off at its timeout, so a wedged health check cannot hold its task', async (t) => {
  const agent = `exec-${randomBytes(4).toString('hex')}`;
  const docker = createDockerAdapter(dockerHost, agent);
  const id = await docker.create({
    Image: 'busybox:latest', Cmd: ['sleep', '1000'], name: agent, Labels: { [AGENT_LABEL]: agent, [JOB_LABEL]: 'j:1:x' },
  });
  t.teardown(() => docker.remove(id));
  await docker.start(id);
  t.is(await docker.exec(id, ['true'], 5_000), 0);
  const started = Date.now();
  const err = await t.throwsAsync(docker.exec(id, ['sleep', '1000'], 500));
  t.true(isDockerError(err, 'DOCKER_TIMEOUT'), String(err));
  t.true(Date.now() - started < 5_000, `gave up after ${Date.now() - started} ms`);
});
