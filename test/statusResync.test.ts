/**
 * The master's view of a host's tasks converges on the agent's even when the master lost reports
 * (a database restored from a backup, a standby that missed the last commits): the agent reports
 * every task's latest status again when the master answers after a failure and every
 * --status-resync, and the master takes a status equal to the one it holds as nothing new. The lost
 * report is played by posting an older status through the agent protocol, as the restored database
 * would hold it; the agent, the master and the container are real.
 */
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deployJob, startMasterFor, startTestAgent, waitForState, waitForStatus } from './harness/agent.js';

test('a status the master lost is reported again within --status-resync, with no history event twice; with nothing lost a resync changes nothing', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master, { statusResyncMs: 500 });
  const jobId = await deployJob(master, agent.name, { name: 'steady', command: ['sleep', '1000'] });
  const running = await waitForState(master, jobId, agent.name, 'RUNNING');
  // Several resyncs with nothing lost: no event, the status as it was.
  await new Promise((resolve) => setTimeout(resolve, 1_600));
  const history = (await master.client.jobs.history(jobId)).events;
  t.deepEqual(history.map((e) => e.status.state).filter((s) => s === 'RUNNING'), ['RUNNING'], 'RUNNING recorded once');
  t.deepEqual((await master.client.jobs.status(jobId)).taskStatuses[agent.name], running);

  // The master loses the RUNNING report: it holds STARTING again, as a restored database would.
  const { agentId } = JSON.parse(await readFile(join(agent.stateDir, 'state.json'), 'utf8')) as { agentId: string };
  const lostAt = Date.now();
  await master.client.agents.reportStatuses(agent.name, { id: agentId, updates: [{ status: { ...running, state: 'STARTING' }, timestamp: lostAt - 60_000 }], removed: [] });
  t.is((await master.client.jobs.status(jobId)).taskStatuses[agent.name]?.state, 'STARTING');
  const back = await waitForStatus(master, jobId, agent.name, (s) => s.state === 'RUNNING', { timeoutMs: 15_000, message: 'RUNNING again on the master' });
  t.log(`the master shows RUNNING again ${Date.now() - lostAt} ms after it lost it (--status-resync 500ms)`);
  t.deepEqual(back, running, 'the agent\'s very status');
  const after = (await master.client.jobs.history(jobId)).events;
  t.is(after.length, history.length + 1, 'one event more: the lost state the test played; the resync added none (the same RUNNING at the same time is the event there)');
});
