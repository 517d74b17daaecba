/**
 * Undeploy followed at once by a deploy of the same job (Helios' UndeployRaceTest, with the agent
 * running): the task ends RUNNING in one container, from the events of the change alone. The agent's
 * periodic resync is set far beyond every wait here, so nothing may wait for it. (A deploy during the
 * undeploy's grace period keeps the container: stopWaits.test.ts.) Real agent, real Docker.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import test, { type ExecutionContext } from 'ava';
import { agentContainers, deployJob, startMasterFor, startTestAgent, taskStatus, waitForStatus, type TestAgent } from './harness/agent.js';
import type { TestMaster } from './harness/master.js';
import { waitFor } from './harness/processes.js';

const NO_RESYNC = { resyncMs: 3_600_000 };
// Generous for a loaded machine; converging takes well under a second here (one create and start).
const CONVERGE_MS = 20_000;

/** RUNNING with goal START in the one container Docker has for the agent, still so a second later. */
async function converged(t: ExecutionContext, master: TestMaster, agent: TestAgent, jobId: string, what: string): Promise<string> {
  const settled = async () => {
    const status = await taskStatus(master, jobId, agent.name);
    const containers = await agentContainers(agent.name);
    const one = containers.length === 1 && containers[0].State === 'running' && containers[0].Id === status?.containerId;
    return status?.state === 'RUNNING' && status.goal === 'START' && one ? status.containerId! : undefined;
  };
  const id = await waitFor(settled, { timeoutMs: CONVERGE_MS, message: `${what}: RUNNING in one container` });
  await sleep(1_000);
  t.is(await settled(), id, `${what}: still so`);
  return id;
}

test('undeploy and deploy back to back, or a moment apart: RUNNING again in one container, with no resync', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master, NO_RESYNC);
  const jobId = await deployJob(master, agent.name, { name: 'flip', command: ['sleep', '1000'], init: true });
  await converged(t, master, agent, jobId, 'first deploy');
  for (const gapMs of [0, 5, 20, 50, 200]) {
    await master.client.deployments.undeploy(agent.name, jobId);
    await sleep(gapMs);
    await master.client.deployments.deploy(agent.name, jobId);
    await converged(t, master, agent, jobId, `a gap of ${gapMs} ms`);
  }
});

test('a deploy while the undeployed container is still stopping: the new one runs once the old one is gone, with no resync', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master, NO_RESYNC);
  // sleep as PID 1 ignores SIGTERM: the undeploy's stop takes the whole 2 s.
  const jobId = await deployJob(master, agent.name, { name: 'slow-stop', command: ['sleep', '1000'], secondsToWaitBeforeKill: 2 });
  const first = await converged(t, master, agent, jobId, 'first deploy');
  await master.client.deployments.undeploy(agent.name, jobId);
  await waitForStatus(master, jobId, agent.name, (s) => s.state === 'STOPPING' && s.goal === 'UNDEPLOY');
  await master.client.deployments.deploy(agent.name, jobId);
  t.not(await converged(t, master, agent, jobId, 'deployed while stopping'), first);
});
