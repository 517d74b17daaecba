/**
 * Undeploying a task whose command ignores SIGTERM (busybox `sleep` as PID 1): what the user is told
 * while it stops, how long it takes with and without an init process, and a redeploy meanwhile.
 * Real agent, real Docker, the real `helios` command.
 */
import test from 'ava';
import { dockerClient, startMasterFor, startTestAgent, taskStatus, waitForState, waitForStatus } from './harness/agent.js';
import { waitFor } from './harness/processes.js';
import { helios, tableRows } from './cliHarness.js';

const jobRow = async (master: { url: string }, ref: string) => tableRows((await helios(master, ['job', ref])).stdout).slice(1)[0];

test('undeploy says how long the container has to stop; helios job shows goal UNDEPLOY and STOPPING with it; a container that ignores SIGTERM is killed after it, with a warning naming the fix', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master);
  const id = (await helios(master, ['create', 'stubborn:1', 'busybox:latest', '--seconds-to-wait', '3', '--', 'sleep', '1000'])).lastLine;
  await master.client.deployments.deploy(agent.name, id);
  await waitForState(master, id, agent.name, 'RUNNING');

  const since = Date.now();
  const undeploy = await helios(master, ['undeploy', 'stubborn:1', agent.name]);
  t.is(undeploy.code, 0, undeploy.stderr);
  t.is(undeploy.stderr, `Undeploying ${id} from [${agent.name}]\n`
    + 'The container is given 3 s to stop after SIGTERM before it is killed; until it is removed, helios job shows goal UNDEPLOY.\n');
  const row = await waitFor(async () => {
    const r = await jobRow(master, 'stubborn:1');
    return r?.[3] === 'STOPPING' ? r : undefined;
  }, { message: 'helios job shows STOPPING' });
  t.deepEqual(row.slice(1, 3), [agent.name, 'UNDEPLOY']);
  t.is(row.at(-1), 'given 3 s to stop after SIGTERM before it is killed');
  t.is((await taskStatus(master, id, agent.name))?.goal, 'UNDEPLOY', 'the agent reports the goal it works towards');

  await waitFor(async () => (await taskStatus(master, id, agent.name)) === undefined, { timeoutMs: 20_000, message: 'status removed' });
  t.true(Date.now() - since >= 3_000, 'the full secondsToWaitBeforeKill');
  const killed = agent.logs.find((l) => l.jobId === id && l.msg === 'container ignored SIGTERM: killed after secondsToWaitBeforeKill');
  t.like(killed, { level: 40, waitBeforeKillS: 3, exitCode: 137 });
  t.regex(String(killed?.fix), /init: true/);
  const history = (await master.client.jobs.history(id)).events.map((e) => e.status);
  t.true(history.some((s) => s.state === 'STOPPING' && s.goal === 'UNDEPLOY'));
  t.true(history.every((s) => s.state !== 'STOPPED' || s.goal === 'UNDEPLOY'));
});

test('with init: true a command that ignores SIGTERM as PID 1 undeploys in well under its timeout', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master);
  const id = (await helios(master, ['create', 'quick:1', 'busybox:latest', '--init', '--seconds-to-wait', '30', '--', 'sleep', '1000'])).lastLine;
  const inspect = (await helios(master, ['inspect', 'quick:1'])).stdout;
  t.regex(inspect, /^Init: yes \(docker-init is PID 1\)$/m);
  t.regex(inspect, /^Time to wait before kill \(seconds\): 30$/m);
  await master.client.deployments.deploy(agent.name, id);
  const running = await waitForState(master, id, agent.name, 'RUNNING');
  t.true((await dockerClient().getContainer(running.containerId!).inspect()).HostConfig.Init);

  const since = Date.now();
  await master.client.deployments.undeploy(agent.name, id);
  await waitFor(async () => (await taskStatus(master, id, agent.name)) === undefined, { timeoutMs: 20_000, intervalMs: 20, message: 'status removed' });
  const tookMs = Date.now() - since;
  // Without init the command would hold out until the 30 s timeout; half of it tells them apart on
  // any machine (the time itself is logged: under a second here).
  t.true(tookMs < 15_000, `undeployed in ${tookMs} ms, its timeout is 30 s`);
  const stopped = agent.logs.find((l) => l.jobId === id && l.msg === 'container stopped');
  t.true(typeof stopped?.stoppedInMs === 'number' && stopped.stoppedInMs < 15_000, JSON.stringify(stopped));
  t.log(`undeploy → status removed: ${tookMs} ms; docker stop: ${String(stopped?.stoppedInMs)} ms`);
});

test('deploy --watch right after an undeploy says it waits for the old container, then follows the new one to RUNNING', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master);
  const id = (await helios(master, ['create', 'again:1', 'busybox:latest', '--seconds-to-wait', '3', '--', 'sleep', '1000'])).lastLine;
  await master.client.deployments.deploy(agent.name, id);
  const first = await waitForState(master, id, agent.name, 'RUNNING');
  await master.client.deployments.undeploy(agent.name, id);
  await waitForStatus(master, id, agent.name, (s) => s.state === 'STOPPING' && s.goal === 'UNDEPLOY', { message: 'STOPPING for the undeploy' });
  const r = await helios(master, ['deploy', 'again:1', agent.name, '--watch', '--timeout', '30']);
  t.is(r.code, 0, `${r.stdout}\n${r.stderr}`);
  t.regex(r.stderr, new RegExp(`^${agent.name}: waiting for the undeployed container to stop first \\(STOPPING\\)$`, 'm'));
  t.regex(r.stdout.trim().split('\n').at(-1)!, new RegExp(`^${agent.name}: RUNNING \\(container [0-9a-f]{12}\\)$`));
  const again = await taskStatus(master, id, agent.name);
  t.is(again?.goal, 'START');
  t.not(again?.containerId, first.containerId);
});
