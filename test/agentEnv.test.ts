/**
 * An agent's --env (often registry credentials) reaches every container, but not the master: statuses,
 * history and host status are read by every token holder (review L10). Real agent, real Docker.
 */
import test from 'ava';
import { deployJob, dockerClient, startMasterFor, startTestAgent, waitForState } from './harness/agent.js';
import { waitFor } from './harness/processes.js';

test('the agent\'s --env reaches the container; the master sees its names only, never its values', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master, { env: { REGISTRY_PASSWORD: 's3cret-value', SHARED: 'from-agent' } });
  const jobId = await deployJob(master, agent.name, { name: 'web', command: ['sleep', '1000'], init: true, env: { GREETING: 'hello', SHARED: 'from-job' } });
  const status = await waitForState(master, jobId, agent.name, 'RUNNING');

  const env = (await dockerClient().getContainer(status.containerId!).inspect()).Config.Env;
  t.true(env.includes('REGISTRY_PASSWORD=s3cret-value'), 'the container has it');
  t.true(env.includes('SHARED=from-job'), 'the job\'s value wins');
  t.deepEqual(status.env, { GREETING: 'hello', SHARED: 'from-job' });
  const host = await waitFor(async () => {
    const s = await master.client.hosts.status(agent.name);
    return Object.keys(s.environment).length > 0 ? s : undefined;
  }, { message: 'a heartbeat with the environment' });
  t.deepEqual(host.environment, { REGISTRY_PASSWORD: '<hidden>', SHARED: '<hidden>' });
  const seen = JSON.stringify([host, await master.client.jobs.status(jobId), await master.client.jobs.history(jobId)]);
  t.false(seen.includes('s3cret-value'));
  t.false(seen.includes('from-agent'));
});
