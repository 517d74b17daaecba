/**
 * `helios solo --cleanup`: at Ctrl-C the agent's containers are removed, or their deployments kept;
 * never containers left running with their deployments gone (before, solo gave the agent 30 s and a
 * container that ignores SIGTERM kept running with its deployment deleted). Solo runs from this
 * checkout's dist/ with --no-syncer, so no fixed port is published and other tests may run alongside.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { cleanupAgent } from '../cli/solo/cleanup.js';
import type { Output } from '../cli/output.js';
import { createClient } from '../core/index.js';
import { CLI_BIN, ensureCliBuilt } from './cliHarness.js';
import { agentContainers, dockerHost, removeAgentContainers, uniqueName } from './harness/agent.js';
import { startTestMaster } from './harness/master.js';
import { freePort, spawnProcess, tempDir, waitFor } from './harness/processes.js';

/** `pgrep -f`: the pids whose command line contains `text`. */
function processesNaming(text: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', '--', text], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when there is none
  }
}

/** Over the 30 s solo used to wait: the agent's stop of this container takes all of it. */
const STUBBORN_WAIT_S = 35;

test('solo --cleanup at Ctrl-C stops and removes every container of its agent, one that ignores SIGTERM for 35 s too', async (t) => {
  t.timeout(150_000);
  await ensureCliBuilt();
  const home = await tempDir('helios-cleanup-');
  t.teardown(home.cleanup);
  const port = await freePort();
  const agent = uniqueName('cleanup');
  t.teardown(() => removeAgentContainers(agent));
  const solo = spawnProcess(process.execPath, [CLI_BIN, 'solo', '--cleanup', '--no-syncer', '--http', `127.0.0.1:${port}`, '--name', agent, '--home', home.path], {
    env: { DOCKER_HOST: dockerHost(), NO_COLOR: '1', HELIOS_TOKEN: '', HELIOS_MASTER: '', npm_lifecycle_event: '' },
  });
  // After a failure half-way: solo's master and agent lead their own process groups, so they are
  // found by the home (the master's --db) and the agent's name, and killed too. A no-op after Ctrl-C.
  t.teardown(async () => {
    await solo.kill('SIGKILL');
    for (const pid of [...processesNaming(home.path), ...processesNaming(`--name ${agent} `)]) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  });
  await solo.waitForOutput(/Ctrl-C stops master, agent and syncer; containers keep running unless helios solo --cleanup\./, 60_000);

  const client = createClient({ baseUrl: `http://127.0.0.1:${port}` });
  await waitFor(() => client.hosts.status(agent).then((s) => s.status === 'UP' || undefined, () => undefined), { timeoutMs: 30_000, message: `${agent} UP` });
  // sleep as PID 1 ignores SIGTERM: Docker kills it after the job's wait. The other stops at once.
  const stubborn = (await client.jobs.create({ id: 'stubborn:1', image: 'busybox:latest', command: ['sleep', '1000'], secondsToWaitBeforeKill: STUBBORN_WAIT_S })).id;
  const quick = (await client.jobs.create({ id: 'quick:1', image: 'busybox:latest', command: ['sleep', '1000'], init: true, secondsToWaitBeforeKill: 5 })).id;
  for (const id of [stubborn, quick]) await client.deployments.deploy(agent, id);
  await waitFor(async () => {
    const statuses = Object.values((await client.hosts.status(agent)).statuses);
    return statuses.length === 2 && statuses.every((s) => s.state === 'RUNNING') || undefined;
  }, { timeoutMs: 60_000, message: 'both jobs RUNNING' });
  t.is((await agentContainers(agent)).length, 2);

  const started = Date.now();
  const exit = await solo.kill('SIGINT');
  const ms = Date.now() - started;
  t.is(exit.code, 0);
  t.regex(solo.stderr, new RegExp(`cleanup: stopping 2 container\\(s\\), up to ${STUBBORN_WAIT_S} s \\(the kill wait of stubborn:1:\\w{7}\\)`));
  t.regex(solo.stderr, /stopped; containers removed\n$/);
  t.deepEqual(await agentContainers(agent), [], 'no container of the agent is left on Docker, running or stopped');
  t.true(ms >= (STUBBORN_WAIT_S - 1) * 1000, `the stubborn container was given its ${STUBBORN_WAIT_S} s (took ${ms} ms)`);
  t.notRegex(`${solo.stdout}${solo.stderr}`, /did not confirm|kept the deployment/);
  t.log(`Ctrl-C with --cleanup → exited in ${ms} ms`);
});

test('cleanup keeps a deployment, its goal as it was, when the agent does not confirm the container stopped', async (t) => {
  const master = await startTestMaster();
  t.teardown(master.close);
  const host = uniqueName('silent');
  // A registered host whose agent never answers: nothing will report the containers stopped.
  await master.client.hosts.register(host, 'agent-id-1');
  const running = (await master.client.jobs.create({ id: 'web:1', image: 'busybox:latest', secondsToWaitBeforeKill: 1 })).id;
  const parked = (await master.client.jobs.create({ id: 'parked:1', image: 'busybox:latest', secondsToWaitBeforeKill: 1 })).id;
  await master.client.deployments.deploy(host, running);
  await master.client.deployments.deploy(host, parked, { goal: 'STOP' });
  const lines: string[] = [];
  const out = { info: (line: string) => lines.push(line) } as unknown as Output;

  const result = await cleanupAgent(master.client, host, out, { marginMs: 300, removeMs: 300 });
  t.deepEqual(result?.removed, []);
  t.deepEqual(result?.kept.sort(), [running, parked].sort());
  t.is((await master.client.deployments.get(host, running)).goal, 'START', 'back to its goal: it still runs');
  t.is((await master.client.deployments.get(host, parked)).goal, 'STOP');
  t.regex(lines.join('\n'), /kept the deployment of (?=.*web:1:\w{7})(?=.*parked:1:\w{7}).*: its container did not stop in 1 s/);
});
