/**
 * Solo's progress lines about the agent's Docker engine (cli/solo/progress.ts) against a real master
 * and real agents: an error is this run's news only, and said once when it starts and once when it ends.
 */
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { watchProgress } from '../cli/solo/progress.js';
import { capturedOutput } from './harness/capturedOutput.js';
import { deployJob, dockerHost, startMasterFor, startTestAgent, uniqueName } from './harness/agent.js';
import { tempDir, waitFor } from './harness/processes.js';

test('after a restart with a working engine, solo prints neither the previous run\'s Docker error nor "reached Docker again"', async (t) => {
  const master = await startMasterFor(t);
  const state = await tempDir('helios-agent-');
  t.teardown(state.cleanup);
  const name = uniqueName();
  const broken = await startTestAgent(t, master, { name, stateDir: state.path, dockerHost: `unix:///tmp/${uniqueName('no-docker')}.sock` });
  await waitFor(async () => (await master.client.hosts.status(name)).dockerError, { timeoutMs: 15_000, message: 'the first run cannot reach Docker' });
  await broken.stop();

  const out = capturedOutput();
  const progress = watchProgress(master.client, { host: name, source: null, startedAt: Date.now() }, out);
  t.teardown(() => progress.stop());
  t.truthy((await master.client.hosts.status(name)).dockerError, 'the master still holds the previous run\'s error');
  await new Promise((resolve) => setTimeout(resolve, 600));
  const agent = await startTestAgent(t, master, { name, stateDir: state.path });
  const jobId = await deployJob(master, agent.name, { name: 'after-restart', command: ['sleep', '1000'] });
  await waitFor(() => out.lines.some((l) => l.startsWith('after-restart:1:') && l.endsWith(': RUNNING')), { message: `RUNNING line for ${jobId}` });
  t.deepEqual(out.lines.filter((l) => /Docker/.test(l)), []);
});

test('a Docker error of this run is printed once, and once when the engine answers again', async (t) => {
  const master = await startMasterFor(t);
  const dir = await tempDir('helios-socket-');
  t.teardown(dir.cleanup);
  const socket = join(dir.path, 'docker.sock');
  const out = capturedOutput();
  const startedAt = Date.now();
  const agent = await startTestAgent(t, master, { dockerHost: `unix://${socket}` });
  const progress = watchProgress(master.client, { host: agent.name, source: null, startedAt }, out);
  t.teardown(() => progress.stop());
  await waitFor(() => out.lines.some((l) => l.includes('cannot reach Docker')), { timeoutMs: 15_000, message: 'the error line' });
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  // The engine appears: the socket path now leads to the session's engine.
  t.regex(dockerHost(), /^unix:\/\//, 'the session engine listens on a unix socket');
  await symlink(dockerHost().slice('unix://'.length), socket);
  await waitFor(() => out.lines.some((l) => l.includes('reached Docker again')), { timeoutMs: 15_000, message: 'the recovery line' });
  const failing = out.lines.filter((l) => l.includes('cannot reach Docker'));
  t.is(failing.length, 1, 'once, not on every poll');
  t.regex(failing[0], new RegExp(`^agent ${agent.name} cannot reach Docker: no Docker socket`));
  t.deepEqual(out.lines.filter((l) => l.includes('reached Docker again')), [`agent ${agent.name} reached Docker again`]);
});
