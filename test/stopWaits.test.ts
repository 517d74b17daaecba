/**
 * A stop's waits (F8): the agent cuts a job's secondsToWaitBeforeKill and gracePeriod to its
 * --max-kill-timeout, so a job stored before validation bounded them can still be stopped, and the
 * grace period is a wait that an undeploy, a goal change or a deploy cuts short. Real agent, real Docker.
 */
import test, { type ExecutionContext } from 'ava';
import Database from 'better-sqlite3';
import { deployJob, dockerClient, startMasterFor, startTestAgent, taskStatus, waitForState, waitForStatus } from './harness/agent.js';
import type { TestMaster } from './harness/master.js';
import { waitFor } from './harness/processes.js';

/** What a master that did not bound waits yet may hold: a job's spec changed behind validation's back. */
function storeUnchecked(master: TestMaster, jobId: string, fields: Record<string, unknown>): void {
  const db = new Database(master.dbPath);
  try {
    for (const [field, value] of Object.entries(fields)) {
      db.prepare('UPDATE jobs SET spec = json_set(spec, ?, ?) WHERE id = ?').run(`$.${field}`, value, jobId);
    }
  } finally {
    db.close();
  }
}

const startedAt = async (id: string) => (await dockerClient().getContainer(id).inspect()).State.StartedAt;
// Generous for a loaded machine (4 test files on 2 cores); each wait cut short is 600 s or more otherwise.
const SOON_MS = 20_000;

test('a job stored with secondsToWaitBeforeKill 3000000000 is still stopped: the agent cuts the wait to --max-kill-timeout', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master, { maxKillTimeoutMs: 2_000 });
  const { id } = await master.client.jobs.create({ name: 'stubborn', version: '1', image: 'busybox:latest', command: ['sleep', '1000'] });
  storeUnchecked(master, id, { secondsToWaitBeforeKill: 3_000_000_000 });
  t.is((await master.client.jobs.get(id)).secondsToWaitBeforeKill, 3_000_000_000);
  await master.client.deployments.deploy(agent.name, id);
  const running = await waitForState(master, id, agent.name, 'RUNNING');

  await master.client.deployments.undeploy(agent.name, id);
  await waitFor(async () => (await taskStatus(master, id, agent.name)) === undefined, { timeoutMs: SOON_MS, message: 'the task removed' });
  await t.throwsAsync(dockerClient().getContainer(running.containerId!).inspect(), { message: /no such container/i });
  t.like(agent.logs.find((l) => l.jobId === id && l.msg === 'stopping the container'), { waitBeforeKillS: 2 });
  t.like(agent.logs.find((l) => l.jobId === id && l.msg === 'the job\'s stop waits are cut to --max-kill-timeout'),
    { level: 40, secondsToWaitBeforeKill: 3_000_000_000, maxKillTimeoutS: 2 });
  const history = (await master.client.jobs.history(id)).events.map((e) => e.status.state);
  t.false(history.includes('FAILED'), history.join(' '));
});

/** A running task with a grace period of ten minutes (init: true, so SIGTERM itself stops it at once). */
async function gracefulTask(t: ExecutionContext, name: string) {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master);
  const id = await deployJob(master, agent.name, { name, command: ['sleep', '1000'], init: true, gracePeriod: 600 });
  const running = await waitForState(master, id, agent.name, 'RUNNING');
  return { master, agent, id, containerId: running.containerId!, started: await startedAt(running.containerId!) };
}

/** The task is RUNNING again with goal START, in the container it had, never restarted. */
async function keptRunning(t: ExecutionContext, task: Awaited<ReturnType<typeof gracefulTask>>): Promise<void> {
  const again = await waitForStatus(task.master, task.id, task.agent.name, (s) => s.state === 'RUNNING' && s.goal === 'START', { timeoutMs: SOON_MS });
  t.is(again.containerId, task.containerId);
  t.is(await startedAt(task.containerId), task.started, 'not restarted');
}

test('an undeploy during a goal STOP\'s grace period stops the container at once', async (t) => {
  const { master, agent, id } = await gracefulTask(t, 'graceful');
  await master.client.deployments.setGoal(agent.name, id, 'STOP');
  await waitForState(master, id, agent.name, 'STOPPING');

  await master.client.deployments.undeploy(agent.name, id);
  await waitFor(async () => (await taskStatus(master, id, agent.name)) === undefined, { timeoutMs: SOON_MS, message: 'the task removed' });
  t.like(agent.logs.find((l) => l.jobId === id && l.msg === 'stopping the container'), { gracePeriodS: 600 });
});

test('goal START during a goal STOP\'s grace period keeps the container running: it was never stopped', async (t) => {
  const task = await gracefulTask(t, 'changed-mind');
  await task.master.client.deployments.setGoal(task.agent.name, task.id, 'STOP');
  await waitForState(task.master, task.id, task.agent.name, 'STOPPING');

  await task.master.client.deployments.setGoal(task.agent.name, task.id, 'START');
  await keptRunning(t, task);
});

test('a deploy during an undeploy\'s grace period keeps the container: the task carries on with it', async (t) => {
  const task = await gracefulTask(t, 'undecided');
  await task.master.client.deployments.undeploy(task.agent.name, task.id);
  await waitForStatus(task.master, task.id, task.agent.name, (s) => s.state === 'STOPPING' && s.goal === 'UNDEPLOY');

  await task.master.client.deployments.deploy(task.agent.name, task.id);
  await keptRunning(t, task);
  t.false(task.agent.logs.some((l) => l.jobId === task.id && l.msg === 'task removed'));
});
