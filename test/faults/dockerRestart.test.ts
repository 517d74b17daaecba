/**
 * dockerd stopped and restarted under a running agent (what a package upgrade or `systemctl restart
 * docker` does): its shutdown stops every container, and the agent must bring its tasks back to
 * RUNNING in the containers they had, leave a stopped task stopped, report the outage while it lasts,
 * and remove nothing. The engine is a private dockerd of this test (its own data dir, socket and
 * bridge, from cli/solo/docker): the session's engine is never stopped.
 *
 * On a loaded machine dockerd answers for a second or more after its "Daemon shutdown complete", over
 * connections it kept alive, and a start it gets then fails with a 500 of its own: the second test gives
 * the agent that answer every time, through an HTTP front for the session's engine.
 */
import test from 'ava';
import Docker from 'dockerode';
import { ensureBusyboxImage } from '../../cli/solo/docker/busyboxImage.js';
import { startDockerd } from '../../cli/solo/docker/dockerd.js';
import { agentContainers, deployJob, dockerClient, dockerHost, startMasterFor, startTestAgent, taskStatus, waitForState, waitForStatus, withAgentLog } from '../harness/agent.js';
import { startDockerFront } from '../harness/dockerFront.js';
import { waitFor } from '../harness/processes.js';

// Generous for a loaded machine (four test files at once on two cores): the Docker calls the agent
// retries every 2 s, and a restart delay of 1 s, take a few seconds here.
const BACK_MS = 45_000;

test('dockerd stopped and restarted under a running agent: tasks RUNNING again in their own containers, a stopped one stopped, nothing removed', async (t) => {
  const daemon = await startDockerd({ log: (line) => t.log(line) });
  t.teardown(daemon.stop);
  await ensureBusyboxImage(daemon.dockerHost, (line) => t.log(line));
  const docker = new Docker({ socketPath: daemon.dockerHost.replace(/^unix:\/\//, '') });
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master, { dockerHost: daemon.dockerHost });
  const listed = async () => (await docker.listContainers({ all: true, filters: { label: [`helios.agent=${agent.name}`] } }))
    .map((c) => ({ id: c.Id, jobId: c.Labels['helios.job'], running: c.State === 'running' }))
    .sort((a, b) => a.jobId.localeCompare(b.jobId));

  // init: true, so each container leaves at once on dockerd's SIGTERM (busybox as PID 1 would wait 10 s).
  const web = await deployJob(master, agent.name, {
    name: 'web', init: true, command: ['httpd', '-f', '-p', '8080'],
    ports: { http: { internalPort: 8080 } }, healthCheck: { type: 'tcp', port: 'http' },
  });
  const worker = await deployJob(master, agent.name, { name: 'worker', init: true, command: ['sleep', '1000'] });
  const parked = await deployJob(master, agent.name, { name: 'parked', init: true, command: ['sleep', '1000'] });
  const before = new Map<string, Awaited<ReturnType<typeof taskStatus>>>();
  for (const jobId of [web, worker, parked]) before.set(jobId, await waitForState(master, jobId, agent.name, 'RUNNING', BACK_MS));
  await master.client.deployments.setGoal(agent.name, parked, 'STOP');
  await waitForState(master, parked, agent.name, 'STOPPED', BACK_MS);
  const containersBefore = await listed();
  t.is(containersBefore.length, 3);
  const started = async (id: string) => (await docker.getContainer(id).inspect()).State.StartedAt;
  const startedBefore = new Map(await Promise.all([web, worker].map(async (jobId) => [jobId, await started(before.get(jobId)!.containerId!)] as const)));

  // A failure below says what the agent did after the restart: its last log lines.
  await withAgentLog(agent, async () => {
    await daemon.restart(async () => {
      // While it is down the host says so, and the tasks keep their last state.
      await waitFor(async () => (await master.client.hosts.status(agent.name)).dockerError, { timeoutMs: BACK_MS, message: 'the outage reported' });
      t.regex(agent.dockerError() ?? '', /docker|connect|socket/i);
    });

    for (const jobId of [web, worker]) {
      const status = await waitForStatus(master, jobId, agent.name, (s) => s.state === 'RUNNING' && s.containerId === before.get(jobId)!.containerId,
        { timeoutMs: BACK_MS, message: `${jobId} RUNNING again in its container` });
      t.not(await started(status.containerId!), startedBefore.get(jobId), `${jobId}: started again (dockerd's shutdown stopped it)`);
      t.deepEqual(status.ports, before.get(jobId)!.ports, `${jobId}: the same ports`);
    }
    const webPort = before.get(web)!.ports.http.externalPort;
    await waitFor(async () => (await fetch(`http://127.0.0.1:${webPort}/`, { signal: AbortSignal.timeout(2_000) }).catch(() => null))?.status,
      { timeoutMs: BACK_MS, message: 'web answers on its port' });
    t.like(await taskStatus(master, parked, agent.name), { state: 'STOPPED', goal: 'STOP', containerId: before.get(parked)!.containerId });
    await waitFor(async () => (await master.client.hosts.status(agent.name)).dockerError === null, { timeoutMs: BACK_MS, message: 'the outage over' });

    const containersAfter = await listed();
    t.deepEqual(containersAfter.map((c) => c.id), containersBefore.map((c) => c.id), 'one container per task, the same ones: nothing removed or made anew');
    t.deepEqual(containersAfter.map((c) => [c.jobId, c.running]).sort(), [[parked, false], [web, true], [worker, true]].sort());
    t.false(agent.logs.some((l) => l.msg === 'removing a container no task wants' || l.msg === 'replacing a container that does not match its job'));
  });
});

test('a start dockerd answers with a failure of its own (a 500, as in its shutdown) keeps the container: the task runs again in it', async (t) => {
  const front = await startDockerFront(dockerHost());
  t.teardown(front.close);
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master, { dockerHost: front.dockerHost });
  const jobId = await deployJob(master, agent.name, { name: 'worker', init: true, command: ['sleep', '1000'] });
  const { containerId } = await waitForState(master, jobId, agent.name, 'RUNNING', BACK_MS);
  const container = dockerClient().getContainer(containerId!);
  const startedBefore = (await container.inspect()).State.StartedAt;

  front.failStarts(1);
  await container.kill();
  await withAgentLog(agent, async () => {
    await waitForStatus(master, jobId, agent.name, (s) => s.state === 'RUNNING' && s.containerId === containerId && front.failedStarts.length === 1,
      { timeoutMs: BACK_MS, message: 'RUNNING again in its container after the failed start' });
  });
  t.deepEqual(front.failedStarts, [containerId], 'the restart after the kill got the 500');
  t.not((await container.inspect()).State.StartedAt, startedBefore, 'started again');
  t.deepEqual((await agentContainers(agent.name)).map((c) => c.Id), [containerId], 'the same container, no other');
});
