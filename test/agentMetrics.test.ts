/**
 * The agent's `--metrics`: GET /metrics scraped for real from an agent on the real Docker engine,
 * in-process on port 0 and as a `helios-agent --metrics 127.0.0.1:PORT` process.
 */
import test from 'ava';
import { deployJob, removeAgentContainers, spawnAgentProcess, startMasterFor, startTestAgent, uniqueName, waitForState } from './harness/agent.js';
import { freePort, tempDir, waitFor } from './harness/processes.js';
import { sample, scrape } from './harness/prometheus.js';

test('GET /metrics: tasks by state, reconcile passes, container starts and restarts, a failed pull timed and its Docker error counted', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master, { metrics: { host: '127.0.0.1', port: 0 } });
  t.regex(agent.metricsUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
  const web = await deployJob(master, agent.name, { name: 'web', command: ['sleep', '1000'], init: true });
  // Runs 0.3 s and exits: restarted after the restart policy's 1 s.
  const crash = await deployJob(master, agent.name, { name: 'crash', command: ['sh', '-c', 'sleep 0.3; exit 3'] });
  // Nothing listens on port 1: the engine's pull fails at once.
  const nopull = await deployJob(master, agent.name, { name: 'nopull', image: '127.0.0.1:1/nope:1' });
  await waitForState(master, web, agent.name, 'RUNNING', 30_000);
  await waitForState(master, nopull, agent.name, 'FAILED', 30_000);
  const text = await waitFor(async () => {
    const { text } = await scrape(agent.metricsUrl!);
    return (sample(text, 'helios_agent_container_starts_total{kind="restart"}') ?? 0) >= 1 ? text : undefined;
  }, { timeoutMs: 30_000, message: `${crash} restarted` });

  t.is(sample(text, 'helios_agent_tasks{state="RUNNING"}') ?? 0, (await agent.statuses()).filter((s) => s.state === 'RUNNING').length);
  t.is(sample(text, 'helios_agent_tasks{state="FAILED"}'), 1, 'nopull');
  t.true(sample(text, 'helios_agent_container_starts_total{kind="new"}')! >= 2, 'web and crash');
  t.true(sample(text, 'helios_agent_reconcile_passes_total{result="ok"}')! >= 1);
  t.true(sample(text, 'helios_agent_reconcile_seconds_count')! >= 1);
  t.true(sample(text, 'helios_agent_image_pull_seconds_count{result="failed"}')! >= 1);
  t.true(sample(text, 'helios_agent_docker_errors_total{op="pull",code="IMAGE_PULL_FAILED"}')! >= 1, text.split('\n').filter((l) => l.startsWith('helios_agent_docker_errors')).join('\n'));
  t.is(sample(text, 'helios_agent_docker_reachable'), 1);
  t.regex(text, /^helios_agent_process_cpu_seconds_total /m);
  t.is((await fetch(`${agent.metricsUrl!}/`)).status, 404);
});

test('helios-agent --metrics 127.0.0.1:PORT serves GET /metrics there; a bad address is refused naming the flag', async (t) => {
  const master = await startMasterFor(t);
  const name = uniqueName('metrics');
  const state = await tempDir('helios-agent-');
  t.teardown(async () => { await removeAgentContainers(name); await state.cleanup(); });
  const port = await freePort();
  const agent = spawnAgentProcess({ master: master.url, name, stateDir: state.path, args: ['--metrics', `127.0.0.1:${port}`] });
  t.teardown(() => agent.kill('SIGKILL'));
  await agent.waitForOutput(/registered with the master/, 30_000);
  const { status, type, text } = await scrape(`http://127.0.0.1:${port}`);
  t.is(status, 200);
  t.regex(type ?? '', /^text\/plain; version=0\.0\.4/);
  t.true(sample(text, 'helios_agent_reconcile_passes_total{result="ok"}')! >= 1);

  const bad = spawnAgentProcess({ master: master.url, name: uniqueName('bad'), stateDir: state.path, args: ['--metrics', 'localhost'] });
  t.is((await bad.exited).code, 1);
  t.regex(bad.stderr, /--metrics: expected PORT or HOST:PORT \(e\.g\. 127\.0\.0\.1:9101\), got "localhost"/);
});
