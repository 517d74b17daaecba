/**
 * An agent cut off from its master by a network partition (Kubernetes' node-failure tests, Helios'
 * ZooKeeperDownToleration): the agent runs in a network namespace of its own, its only way to the
 * master a veth pair, and the master's end of it goes down. The master is set up as in production on
 * a non-loopback address: HTTPS and a token file (an admin token for the test, agent:HOST for the agent).
 */
import test from 'ava';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { makeCerts } from '../harness/certs.js';
import { netnsLinkFor } from '../harness/netns.js';
import { tempDir, waitFor } from '../harness/processes.js';
import {
  agentContainers, deployJob, dockerClient, removeAgentContainers, spawnAgentProcess, startMasterFor, taskStatus,
  uniqueName, waitForState,
} from '../harness/agent.js';

const DOWN_AFTER_MS = 4_000;
// Generous bounds: the suite runs four files at once on two cores, and after the link returns the
// agent's requests stuck in the partition are resent on TCP's retransmission backoff (seconds) or
// time out (30 s) before new ones go.
const SLOW_MS = 60_000;

test('a partitioned agent keeps its container, its host goes DOWN, and a deploy made meanwhile runs once the link is back', async (t) => {
  const link = await netnsLinkFor(t);
  const certs = await makeCerts();
  t.teardown(certs.cleanup);
  const dir = await tempDir('helios-partition-');
  t.teardown(dir.cleanup);
  const name = uniqueName('partitioned');
  const adminToken = randomBytes(16).toString('hex');
  const agentToken = randomBytes(16).toString('hex');
  const tokenFile = join(dir.path, 'tokens');
  await writeFile(tokenFile, `${adminToken} admin tester\n${agentToken} agent:${name} ${name}\n`, { mode: 0o600 });
  const master = await startMasterFor(t, {
    host: link.hostIp, tokenFile, tls: certs.serverTls(await certs.serverCert('veth', { ips: [link.hostIp] })),
    clientTls: certs.clientTls(), clientToken: adminToken, downAfterMs: DOWN_AFTER_MS,
  });
  t.teardown(() => removeAgentContainers(name));
  const agent = spawnAgentProcess({
    master: master.url, name, stateDir: join(dir.path, 'state'), args: ['--ca', certs.caFile],
    env: { HELIOS_TOKEN: agentToken }, wrap: link.wrap,
  });
  t.teardown(() => agent.kill('SIGKILL'));
  await agent.waitForOutput(/registered with the master/, SLOW_MS);

  const first = await deployJob(master, name, { name: 'steady', command: ['sleep', '1000'] });
  const running = await waitForState(master, first, name, 'RUNNING', SLOW_MS);
  const containerId = running.containerId!;
  const container = dockerClient().getContainer(containerId);
  const startedAt = (await container.inspect()).State.StartedAt;
  t.is((await master.client.hosts.status(name)).status, 'UP');

  const cutAt = Date.now();
  await link.cut();
  const { lastSeen } = await waitFor(async () => {
    const status = await master.client.hosts.status(name);
    return status.status === 'DOWN' ? status : undefined;
  }, { timeoutMs: SLOW_MS, intervalMs: 200, message: 'the host DOWN once its heartbeats stop' });
  t.true(Date.now() - lastSeen! >= DOWN_AFTER_MS, 'not DOWN before --down-after has passed');
  t.log((await agent.waitForOutput(/"msg":"(master at [^"]* unreachable[^"]*)"/, SLOW_MS))[1]);

  const second = await deployJob(master, name, { name: 'meanwhile', command: ['sleep', '1000'] });
  const down = await master.client.hosts.status(name);
  t.is(down.jobs[second]?.goal, 'START', 'the deploy to the DOWN host is stored');
  t.is(down.jobs[first]?.goal, 'START');
  t.is(down.statuses[first]?.state, 'RUNNING', 'the last report stands while the host is away');
  await sleep(1_000); // what the agent would have done by now, had it heard of the deploy
  t.deepEqual((await agentContainers(name)).map((c) => c.Id), [containerId], 'only the first container: the agent cannot know');
  const during = await container.inspect();
  t.true(during.State.Running, 'the container keeps running through the partition');
  t.is(during.State.StartedAt, startedAt);
  t.is((await master.client.hosts.status(name)).lastSeen, lastSeen, 'no heartbeat crossed the partition');

  const restoredAt = Date.now();
  await link.restore();
  await waitFor(async () => (await master.client.hosts.status(name)).status === 'UP',
    { timeoutMs: SLOW_MS, intervalMs: 200, message: 'the host UP again once heartbeats arrive' });
  t.log(`UP ${Date.now() - restoredAt} ms after the link returned`);
  const caughtUp = await waitForState(master, second, name, 'RUNNING', SLOW_MS);
  t.log(`second job RUNNING ${Date.now() - restoredAt} ms after the link returned`);

  const after = await container.inspect();
  t.true(after.State.Running, 'the first container still runs');
  t.is(after.State.StartedAt, startedAt, 'never restarted');
  const containers = await agentContainers(name);
  t.deepEqual(containers.map((c) => c.Id).sort(), [containerId, caughtUp.containerId!].sort(), 'one container per job, nothing else');
  t.true(containers.every((c) => c.State === 'running'));
  t.is((await taskStatus(master, first, name))?.containerId, containerId);
  t.is((await taskStatus(master, first, name))?.state, 'RUNNING');
  const host = await master.client.hosts.status(name);
  t.deepEqual(Object.keys(host.jobs).sort(), [first, second].sort(), 'both deployments kept');
  t.deepEqual(Object.keys(host.statuses).sort(), [first, second].sort());
  const firstHistory = (await master.client.jobs.history(first)).events.filter((e) => e.timestamp >= cutAt);
  t.false(firstHistory.some((e) => e.status.state !== 'RUNNING'), 'the first job did not stop, exit or restart');
  await agent.waitForOutput(/master at .* reachable again/, SLOW_MS);
});
