/**
 * Container hygiene (F22): a container labelled for a task is adopted only when it is what the agent
 * would make of the job, and a container nobody wants is stopped with its job's own kill wait.
 * Containers are made by hand here with the agent's labels, as a person (or an older agent) would.
 * Real agent, real Docker.
 */
import test from 'ava';
import { agentContainers, dockerClient, startMasterFor, startTestAgent, uniqueName, waitForState } from './harness/agent.js';
import { tempDir, waitFor } from './harness/processes.js';

/** A running container with the agent's and the job's labels, made without the agent. */
async function handMade(agent: string, jobId: string, o: { image?: string; labels?: Record<string, string>; name: string }): Promise<string> {
  const container = await dockerClient().createContainer({
    name: `${agent}-${o.name}`,
    Image: o.image ?? 'busybox:latest',
    Cmd: ['sleep', '1000'],
    Labels: { 'helios.agent': agent, 'helios.job': jobId, ...o.labels },
  });
  await container.start();
  return container.id;
}

const job = (name: string) => ({ name, version: '1', image: 'busybox:latest', command: ['sleep', '1000'], init: true, secondsToWaitBeforeKill: 1 });

test('a container with the job\'s labels but another image or create options is replaced, one from before the spec hash with the job\'s image adopted', async (t) => {
  const master = await startMasterFor(t);
  const name = uniqueName('adopt');
  const state = await tempDir('helios-agent-');
  t.teardown(state.cleanup);
  // Registered, then away while its tasks are deployed and the containers made: what it finds on its return.
  await (await startTestAgent(t, master, { name, stateDir: state.path })).stop();
  const { Id: busyboxId } = await dockerClient().getImage('busybox:latest').inspect();
  const otherImage = (await master.client.jobs.create(job('other-image'))).id;
  const otherSpec = (await master.client.jobs.create(job('other-spec'))).id;
  const older = (await master.client.jobs.create(job('older'))).id;
  for (const jobId of [otherImage, otherSpec, older]) await master.client.deployments.deploy(name, jobId);
  const made = {
    [otherImage]: await handMade(name, otherImage, { name: 'a', image: busyboxId }),
    [otherSpec]: await handMade(name, otherSpec, { name: 'b', labels: { 'helios.spec-hash': 'f'.repeat(64) } }),
    [older]: await handMade(name, older, { name: 'c' }),
  };
  const agent = await startTestAgent(t, master, { name, stateDir: state.path });

  for (const jobId of [otherImage, otherSpec]) {
    const running = await waitForState(master, jobId, name, 'RUNNING');
    t.not(running.containerId, made[jobId], `${jobId}: a container of its own`);
    await waitFor(async () => !(await agentContainers(name)).some((c) => c.Id === made[jobId]), { message: `${jobId}: the hand-made one removed` });
  }
  t.regex(String(agent.logs.find((l) => l.jobId === otherImage && l.msg === 'replacing a container that does not match its job')?.reason),
    /^its image is sha256:[0-9a-f]{64}, the job's is busybox:latest$/);
  t.regex(String(agent.logs.find((l) => l.jobId === otherSpec && l.msg === 'replacing a container that does not match its job')?.reason),
    /^its create options differ from the job's \(helios\.spec-hash ffffffffffff/);
  const adopted = await waitForState(master, older, name, 'RUNNING');
  t.is(adopted.containerId, made[older], 'adopted as it is');
  t.is((await agentContainers(name)).length, 3, 'one container per task');
});

test('a container nobody wants is stopped with the kill wait its job recorded on it, cut to --max-kill-timeout', async (t) => {
  const master = await startMasterFor(t);
  const name = uniqueName('orphans');
  // busybox sleep as PID 1 ignores SIGTERM: each stop takes its whole wait.
  const recorded = await handMade(name, 'gone:1:x', { name: 'a', labels: { 'helios.stop-timeout': '3' } });
  const long = await handMade(name, 'gone:2:x', { name: 'b', labels: { 'helios.stop-timeout': '100000' } });
  const unrecorded = await handMade(name, 'gone:3:x', { name: 'c' });
  const agent = await startTestAgent(t, master, { name, maxKillTimeoutMs: 12_000 });

  // Generous: the longest of the three waits is 12 s, and a loaded machine is slower still.
  await waitFor(async () => (await agentContainers(name)).length === 0, { timeoutMs: 45_000, message: 'the orphans removed' });
  const reaped = (id: string) => agent.logs.find((l) => l.containerId === id && l.msg === 'removing a container no task wants');
  t.like(reaped(recorded), { waitBeforeKillS: 3 });
  t.like(reaped(long), { waitBeforeKillS: 12 }, '--max-kill-timeout');
  t.like(reaped(unrecorded), { waitBeforeKillS: 10 }, 'made by an older agent: docker stop\'s default');
});
