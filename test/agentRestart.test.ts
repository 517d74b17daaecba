import test from 'ava';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestMaster } from './harness/master.js';
import { freePort, tempDir, waitFor } from './harness/processes.js';
import {
  agentContainers, deployJob, dockerClient, removeAgentContainers, spawnAgentProcess, startMasterFor, startTestAgent,
  taskStatus, uniqueName, waitForState,
} from './harness/agent.js';

const spawnAgent = (master: string, name: string, stateDir: string) => spawnAgentProcess({ master, name, stateDir });

const startedAt = async (id: string) => (await dockerClient().getContainer(id).inspect()).State.StartedAt;

test('kill -9 of the agent, then a restart: the same container is re-adopted, not restarted, and health-checked again', async (t) => {
  const master = await startMasterFor(t);
  const name = uniqueName('kill9');
  const state = await tempDir('helios-agent-');
  t.teardown(async () => { await removeAgentContainers(name); await state.cleanup(); });
  const first = spawnAgent(master.url, name, state.path);
  t.teardown(() => first.kill('SIGKILL'));
  await first.waitForOutput(/registered with the master/, 30_000);
  const jobId = await deployJob(master, name, {
    name: 'survivor', command: ['sleep', '1000'], healthCheck: { type: 'exec', command: ['sh', '-c', 'true'] },
  });
  const before = await waitForState(master, jobId, name, 'RUNNING', 30_000);
  const started = await startedAt(before.containerId!);

  await first.kill('SIGKILL');
  const second = spawnAgent(master.url, name, state.path);
  t.teardown(() => second.kill('SIGKILL'));
  await second.waitForOutput(/adopting the container of a past run/, 30_000);
  // The health check runs again for the adopted container: a second HEALTHCHECKING, then RUNNING.
  await waitFor(async () => {
    const events = (await master.client.jobs.history(jobId)).events.map((e) => e.status.state);
    return events.filter((s) => s === 'HEALTHCHECKING').length === 2 && events.at(-1) === 'RUNNING';
  }, { timeoutMs: 30_000, message: 'health checked again after the restart' });
  const after = await taskStatus(master, jobId, name);
  t.is(after?.containerId, before.containerId);
  t.is(await startedAt(before.containerId!), started, 'the container was not restarted');
  const containers = await agentContainers(name);
  t.is(containers.length, 1);
  t.is(containers[0].Id, before.containerId!);
  const history = (await master.client.jobs.history(jobId)).events;
  t.false(history.some((e) => ['PULLING_IMAGE', 'CREATING', 'STARTING'].includes(e.status.state) && e.timestamp > history.find((h) => h.status.state === 'RUNNING')!.timestamp));

  await second.kill('SIGTERM');
  t.true((await dockerClient().getContainer(before.containerId!).inspect()).State.Running, 'stopping the agent leaves containers running');
});

test('with the master away, containers keep running, a killed one is restarted, and statuses arrive when it is back', async (t) => {
  const port = await freePort();
  const dir = await tempDir('helios-master-');
  t.teardown(dir.cleanup);
  const dbPath = `${dir.path}/master.db`;
  let master = await startTestMaster({ port, dbPath, keepDir: true });
  const agent = await startTestAgent(t, master, { restartPolicy: { normalDelayMs: 100 } });
  const jobId = await deployJob(master, agent.name, { name: 'steady', command: ['sleep', '1000'] });
  const running = await waitForState(master, jobId, agent.name, 'RUNNING');
  const id = running.containerId!;
  const started = await startedAt(id);

  const closing = master.close();
  const cut = setTimeout(() => master.master.app.server.closeAllConnections(), 200);
  await closing;
  clearTimeout(cut);
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  t.is(await startedAt(id), started, 'still running, untouched');
  t.true((await dockerClient().getContainer(id).inspect()).State.Running);

  const killedAt = Date.now();
  await dockerClient().getContainer(id).kill();
  await waitFor(async () => {
    const info = await dockerClient().getContainer(id).inspect();
    return info.State.Running && info.State.StartedAt !== started;
  }, { timeoutMs: 20_000, message: 'the killed container restarted by the agent' });
  t.true(agent.logs.some((l) => typeof l.msg === 'string' && (l.msg as string).startsWith('master at ') && (l.msg as string).includes('unreachable')));

  master = await startTestMaster({ port, dbPath });
  t.teardown(async () => {
    const c = master.close();
    const k = setTimeout(() => master.master.app.server.closeAllConnections(), 200);
    await c;
    clearTimeout(k);
  });
  await waitFor(async () => {
    const events = (await master.client.jobs.history(jobId)).events.filter((e) => e.timestamp >= killedAt);
    return events.some((e) => e.status.state === 'EXITED') && events.at(-1)?.status.state === 'RUNNING';
  }, { timeoutMs: 30_000, message: 'statuses queued while the master was away arrive' });
  t.is((await taskStatus(master, jobId, agent.name))?.containerId, id);
  t.is((await agentContainers(agent.name)).length, 1);
});

test('two agents on one engine never touch each other\'s containers, nor unlabelled ones', async (t) => {
  const master = await startMasterFor(t);
  const docker = dockerClient();
  const bystander = await docker.createContainer({ Image: 'busybox:latest', Cmd: ['sleep', '1000'], Labels: { purpose: 'bystander' } });
  t.teardown(() => bystander.remove({ force: true }).catch(() => {}));
  await bystander.start();

  const a = await startTestAgent(t, master);
  const b = await startTestAgent(t, master);
  const jobA = await deployJob(master, a.name, { name: 'twin', command: ['sleep', '1000'] });
  await master.client.deployments.deploy(b.name, jobA);
  const onA = await waitForState(master, jobA, a.name, 'RUNNING');
  const onB = await waitForState(master, jobA, b.name, 'RUNNING');
  t.not(onA.containerId, onB.containerId);

  await master.client.deployments.undeploy(a.name, jobA);
  await waitFor(async () => (await agentContainers(a.name)).length === 0, { message: 'a removed its container' });
  t.true((await docker.getContainer(onB.containerId!).inspect()).State.Running, "b's container untouched");
  t.true((await bystander.inspect()).State.Running, 'the unlabelled container untouched');
  t.is((await taskStatus(master, jobA, b.name))?.state, 'RUNNING');
});

test('containers labelled for the agent that no task wants are removed; extra containers of a task are removed', async (t) => {
  const master = await startMasterFor(t);
  const name = uniqueName();
  const docker = dockerClient();
  const jobId = (await master.client.jobs.create({ id: 'kept:1', image: 'busybox:latest', command: ['sleep', '1000'], secondsToWaitBeforeKill: 1 })).id;
  const labels = (job: string) => ({ 'helios.agent': name, 'helios.job': job });
  const orphan = await docker.createContainer({ Image: 'busybox:latest', Cmd: ['sleep', '1000'], Labels: labels('gone:1:0000') });
  await orphan.start();
  const older = await docker.createContainer({ Image: 'busybox:latest', Cmd: ['sleep', '1000'], Labels: labels(jobId) });
  await older.start();
  const newer = await docker.createContainer({ Image: 'busybox:latest', Cmd: ['sleep', '1000'], Labels: labels(jobId) });
  await newer.start();
  const stoppedNewest = await docker.createContainer({ Image: 'busybox:latest', Cmd: ['sleep', '1000'], Labels: labels(jobId) });
  t.teardown(() => removeAgentContainers(name));

  // Deployed before the agent starts: its first pass sees both the task and the leftovers.
  await master.client.hosts.register(name, 'a-previous-agent');
  await master.client.deployments.deploy(name, jobId);
  const agent = await startTestAgent(t, master, { name });
  const status = await waitForState(master, jobId, agent.name, 'RUNNING');
  t.is(status.containerId, newer.id, 'keeps the newest running container');
  await waitFor(async () => (await agentContainers(name)).length === 1, { timeoutMs: 30_000, message: 'one container left' });
  t.deepEqual((await agentContainers(name)).map((c) => c.Id), [newer.id]);
  t.truthy(stoppedNewest.id);
});

test('a job undeployed while its agent was down and its state lost: the restarted agent removes the container and the status goes away', async (t) => {
  // The restarted agent has a new id: it takes the host over once the old one is DOWN (3 s here).
  const master = await startMasterFor(t, { downAfterMs: 3_000 });
  const state = await tempDir('helios-agent-state-');
  t.teardown(() => state.cleanup());
  const name = uniqueName();
  const first = await startTestAgent(t, master, { name, stateDir: state.path });
  const jobId = await deployJob(master, name, { name: 'gone-while-away', command: ['sleep', '1000'], secondsToWaitBeforeKill: 1 });
  await waitForState(master, jobId, name, 'RUNNING');
  await first.stop();

  await master.client.deployments.undeploy(name, jobId);
  t.is((await taskStatus(master, jobId, name))?.state, 'RUNNING', 'the last report still stands while the agent is away');

  await startTestAgent(t, master, { name }); // a fresh state dir: it knows of the task only from Docker
  await waitFor(async () => (await agentContainers(name)).length === 0, { message: 'the container was removed', timeoutMs: 30_000 });
  await waitFor(async () => (await taskStatus(master, jobId, name)) === undefined, { message: 'the task status was dropped', timeoutMs: 10_000 });
  t.pass();
});

test('ports the state file still reserves for a job no task wants are freed once the master has answered', async (t) => {
  const master = await startMasterFor(t);
  const state = await tempDir('helios-agent-state-');
  t.teardown(() => state.cleanup());
  const name = uniqueName();
  const first = await startTestAgent(t, master, { name, stateDir: state.path });
  const kept = await deployJob(master, name, { name: 'kept', command: ['sleep', '1000'], ports: { http: { internalPort: 80 } } });
  const port = (await waitForState(master, kept, name, 'RUNNING')).ports.http.externalPort;
  await first.stop();
  // What a container reaped at start-up leaves behind (its job undeployed while the agent was down).
  const file = join(state.path, 'state.json');
  const saved = JSON.parse(await readFile(file, 'utf8')) as { ports: Record<string, Record<string, number>> };
  t.deepEqual(saved.ports, { [kept]: { http: port } }, 'a stopped agent has written its reservations');
  saved.ports['gone:1:0123456789abcdef0123456789abcdef01234567'] = { http: 23456 };
  await writeFile(file, JSON.stringify(saved));

  await startTestAgent(t, master, { name, stateDir: state.path });
  const reserved = async () => (JSON.parse(await readFile(file, 'utf8')) as { ports: Record<string, unknown> }).ports;
  const expected = { [kept]: { http: port } };
  await waitFor(async () => JSON.stringify(await reserved()) === JSON.stringify(expected), { message: 'the stale reservation dropped', timeoutMs: 10_000 }).catch(() => {});
  t.deepEqual(await reserved(), expected, 'only the running task keeps its reservation');
});
