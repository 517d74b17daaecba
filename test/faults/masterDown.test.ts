/**
 * The master goes away (kill -9) under a running agent and syncer, and comes back on the same
 * database and address (Helios' ZooKeeperDownToleration, with the master as the dependency): both
 * daemons live through it, the agent's container is never touched, and a commit pushed while the
 * master was down is applied and runs once it is back.
 */
import test from 'ava';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, type HeliosClient } from '../../core/index.js';
import { agentContainers, dockerClient, dockerHost, removeAgentContainers, spawnAgentProcess, uniqueName } from '../harness/agent.js';
import { commitFiles, gitRepo, startGitServer } from '../harness/gitServer.js';
import { spawnMaster, urlOf } from '../harness/master.js';
import { freePort, spawnProcess, tempDir, waitFor } from '../harness/processes.js';
import { jobFile, jobIdOf } from '../gitopsHelpers.js';

// Generous: four test files at once on two cores; the agent and syncer retry with backoff.
const SLOW_MS = 60_000;
const root = new URL('../..', import.meta.url).pathname;

const state = async (client: HeliosClient, jobId: string, host: string) => {
  try {
    return (await client.jobs.status(jobId)).taskStatuses[host];
  } catch {
    return undefined; // the master is away, or the job not there yet
  }
};

test('an agent and a syncer live through a kill -9 of the master; a commit pushed meanwhile runs once it is back', async (t) => {
  const dir = await tempDir('helios-master-down-');
  t.teardown(dir.cleanup);
  const db = join(dir.path, 'master.db');
  const listen = `127.0.0.1:${await freePort()}`;
  const url = `http://${listen}`;
  let master = spawnMaster(['--db', db, '--http', listen]);
  t.teardown(() => master.kill('SIGKILL'));
  await urlOf(master);
  const client = createClient({ baseUrl: url });

  const host = uniqueName('master-down');
  t.teardown(() => removeAgentContainers(host));
  const agent = spawnAgentProcess({ master: url, name: host, stateDir: join(dir.path, 'agent') });
  t.teardown(() => agent.kill('SIGKILL'));
  await agent.waitForOutput(/registered with the master/, SLOW_MS);

  await mkdir(join(dir.path, 'git'));
  const server = await startGitServer({ root: join(dir.path, 'git') });
  t.teardown(server.close);
  const steady = jobFile('steady', { hosts: [host], command: ['sleep', '3600'] });
  const repo = await gitRepo(join(dir.path, 'git'), { 'jobs/steady.yaml': steady });
  const syncer = spawnProcess(process.execPath, ['--import', 'tsx', 'syncer/bin.ts', '--master', url, '--repo', `${server.url}/${repo.name}.git`,
    '--name', 'apps', '--interval', '500ms', '--cache-dir', join(dir.path, 'syncer')], { cwd: root, env: { HELIOS_LOG_LEVEL: 'info', DOCKER_HOST: dockerHost() } });
  t.teardown(() => syncer.kill('SIGKILL'));

  const steadyId = jobIdOf('jobs/steady.yaml', steady);
  const running = await waitFor(async () => ((await state(client, steadyId, host))?.state === 'RUNNING' ? state(client, steadyId, host) : undefined),
    { timeoutMs: SLOW_MS, message: 'steady RUNNING' });
  const container = dockerClient().getContainer(running!.containerId!);
  const startedAt = (await container.inspect()).State.StartedAt;

  await master.kill('SIGKILL');
  const later = jobFile('later', { hosts: [host], command: ['sleep', '3600'] });
  await commitFiles(repo.work, { 'jobs/later.yaml': later }, 'while the master is away');
  // Long enough for several failed passes, heartbeats and long-polls of both daemons.
  await sleep(5_000);
  const running1 = await container.inspect();
  t.true(running1.State.Running);
  t.is(running1.State.StartedAt, startedAt, 'the container is untouched while the master is away');

  master = spawnMaster(['--db', db, '--http', listen]);
  await urlOf(master);
  const laterId = jobIdOf('jobs/later.yaml', later);
  await waitFor(async () => (await state(client, laterId, host))?.state === 'RUNNING', { timeoutMs: SLOW_MS, message: 'later RUNNING after the master came back' });
  t.like(await client.sync.source('apps'), { state: 'OK' });
  t.is((await container.inspect()).State.StartedAt, startedAt, 'steady kept its container');
  t.is((await agentContainers(host)).length, 2, 'one container each');
  for (const [name, daemon] of [['agent', agent], ['syncer', syncer]] as const) {
    t.is(await Promise.race([daemon.exited.then(() => 'exited'), sleep(0).then(() => 'running')]), 'running', `the ${name} lived through it`);
  }
});
