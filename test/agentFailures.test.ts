import { createServer, type AddressInfo } from 'node:net';
import test from 'ava';
import { freePort, waitFor } from './harness/processes.js';
import { emptyRegistry } from './harness/emptyRegistry.js';
import { agentContainers, deployJob, dockerClient, startMasterFor, startTestAgent, uniqueName, waitForState, waitForStatus } from './harness/agent.js';

test('an image missing everywhere throttles the task IMAGE_MISSING; once the image appears it runs, throttle cleared', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master, { restartPolicy: { imageMissingDelayMs: 1_000 } });
  const registry = await emptyRegistry(t);
  const repo = `127.0.0.1:${registry}/nothing-here`;
  const jobId = await deployJob(master, agent.name, { name: 'ghost', image: `${repo}:1`, command: ['sleep', '1000'] });
  const status = await waitForStatus(master, jobId, agent.name, (s) => s.throttled === 'IMAGE_MISSING', { message: 'IMAGE_MISSING' });
  t.is(status.state, 'FAILED');
  t.regex(status.containerError ?? '', /image not found/);
  t.deepEqual(await agentContainers(agent.name), []);

  await dockerClient().getImage('busybox:latest').tag({ repo, tag: '1' });
  t.teardown(() => dockerClient().getImage(`${repo}:1`).remove().catch(() => {}));
  const running = await waitForState(master, jobId, agent.name, 'RUNNING');
  t.is(running.throttled, 'NO');
  t.is(running.containerError, null);
});

test('a registry that cannot be reached throttles the task IMAGE_PULL_FAILED', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master);
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const jobId = await deployJob(master, agent.name, { name: 'unpullable', image: `127.0.0.1:${port}/app:1` });
  const status = await waitForStatus(master, jobId, agent.name, (s) => s.throttled === 'IMAGE_PULL_FAILED', { message: 'IMAGE_PULL_FAILED' });
  t.is(status.state, 'FAILED');
});

test('a pull that fails is fine when the image is present locally', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master);
  // busybox:latest cannot be pulled here (no registry), but the engine has it.
  const jobId = await deployJob(master, agent.name, { name: 'local', command: ['sleep', '1000'] });
  const status = await waitForState(master, jobId, agent.name, 'RUNNING');
  t.is(status.throttled, 'NO');
});

test('a static port held by another process fails the task with an error, and it starts once the port is free', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master, { restartPolicy: { normalDelayMs: 200, failureMaxDelayMs: 400 } });
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  const port = (squatter.address() as AddressInfo).port;
  const jobId = await deployJob(master, agent.name, {
    name: 'clash', command: ['sh', '-c', 'mkdir -p /www && exec httpd -f -p 8080 -h /www'],
    ports: { http: { internalPort: 8080, externalPort: port } },
  });
  const failed = await waitForStatus(master, jobId, agent.name, (s) => s.state === 'FAILED' && !!s.containerError, { message: 'FAILED with an error' });
  t.regex(failed.containerError!, new RegExp(`${port}|address already in use|already allocated`));
  t.true(agent.logs.some((l) => l.msg === 'task step failed'));
  await new Promise((resolve) => squatter.close(resolve));
  const running = await waitForState(master, jobId, agent.name, 'RUNNING');
  t.is(running.ports.http.externalPort, port);
  t.is((await agentContainers(agent.name)).length, 1);
});

test('an unreachable Docker engine is reported in the heartbeat and logged once, and the agent keeps going', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master, { dockerHost: `unix:///tmp/${uniqueName('no-docker')}.sock` });
  const jobId = await deployJob(master, agent.name, { name: 'nowhere', command: ['sleep', '1000'] });
  const host = await waitFor(async () => {
    const status = await master.client.hosts.status(agent.name);
    return status.dockerError ? status : undefined;
  }, { timeoutMs: 15_000, message: 'dockerError in the host status' });
  t.regex(host.dockerError!, /no Docker socket/);
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  const errors = agent.logs.filter((l) => typeof l.msg === 'string' && (l.msg as string).includes('unreachable'));
  t.is(errors.length, 1, 'logged once, not on every attempt');
  t.regex(errors[0].msg as string, /^Docker engine at unix:\/\/\/tmp\/no-docker-[0-9a-f]+\.sock unreachable: no Docker socket/);
  t.is(agent.dockerError(), host.dockerError);
  // Still alive and talking to the master.
  const before = (await master.client.hosts.status(agent.name)).lastSeen!;
  await waitFor(async () => (await master.client.hosts.status(agent.name)).lastSeen! > before, { message: 'heartbeats continue' });
  t.false(agent.name in (await master.client.jobs.status(jobId)).taskStatuses, 'no status without a Docker engine');
});

test('a master that does not answer is logged once, asking whether it runs at --master (which is set), not to set it', async (t) => {
  const url = `http://127.0.0.1:${await freePort()}`;
  const agent = await startTestAgent(t, { url });
  const logged = await waitFor(() => agent.logs.find((l) => typeof l.msg === 'string' && (l.msg as string).startsWith(`master at ${url} unreachable`)),
    { timeoutMs: 15_000, message: 'the master logged unreachable' });
  t.is(logged.msg, `master at ${url} unreachable: cannot reach the master at ${url}: connection refused (is the master running there? --master is where this agent looks for it)`);
  await new Promise((resolve) => setTimeout(resolve, 2_000)); // several retries
  t.is(agent.logs.filter((l) => String(l.msg).startsWith(`master at ${url} unreachable`)).length, 1, 'logged once, not on every retry');
});
