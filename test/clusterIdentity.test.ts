/**
 * Cluster identity on the real Docker engine: a master started on a fresh database at the address of
 * the old one (a lost volume, another $HOME) must not make the fleet remove its containers, nor start
 * containers it did not ask for; the agents say what happened and how to fix it, and join the new
 * cluster only when told to (--join-new-cluster).
 */
import { readFile } from 'node:fs/promises';
import { createServer, get, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { CLUSTER_ID_HEADER } from '../core/index.js';
import { startTestMaster, type TestMaster } from './harness/master.js';
import { freePort, waitFor } from './harness/processes.js';
import { agentContainers, dockerClient, spawnAgentProcess, startMasterFor, startTestAgent, waitForState, type TestAgent } from './harness/agent.js';

/** Quick to stop: the shell leaves on SIGTERM (busybox as PID 1 would ignore it and wait for the kill). */
const job = (name: string) => ({
  name, version: '1', image: 'busybox:latest', secondsToWaitBeforeKill: 1,
  command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'],
});
/** Short cycles, so the watch below spans many resyncs and refused polls. */
const fleetOptions = { resyncMs: 1_000, pollWaitMs: 2_000 };

/** The Helios-Cluster-Id of a master's answer, on a connection of its own (A and B share an address). */
const clusterOf = (master: { url: string }) => new Promise<string>((resolve, reject) => {
  get(`${master.url}/version`, { agent: false }, (res) => {
    res.resume();
    resolve(String(res.headers[CLUSTER_ID_HEADER.toLowerCase()]));
  }).on('error', reject);
});

interface SeenContainer { id: string; jobId: string; running: boolean; startedAt: string }

/** Each agent's containers as Docker has them, by agent name. */
async function containersOf(names: string[]): Promise<Record<string, SeenContainer[]>> {
  const result: Record<string, SeenContainer[]> = {};
  for (const name of names) {
    const seen: SeenContainer[] = [];
    for (const c of await agentContainers(name)) {
      const info = await dockerClient().getContainer(c.Id).inspect();
      seen.push({ id: c.Id, jobId: c.Labels['helios.job'], running: info.State.Running, startedAt: info.State.StartedAt });
    }
    result[name] = seen.sort((x, y) => x.jobId.localeCompare(y.jobId));
  }
  return result;
}

async function closeNow(master: TestMaster): Promise<void> {
  const closing = master.close();
  const cut = setTimeout(() => master.master.app.server.closeAllConnections(), 200);
  await closing;
  clearTimeout(cut);
}

const mismatchErrors = (agent: TestAgent) =>
  agent.logs.filter((l) => l.level === 50 && typeof l.msg === 'string' && l.msg.includes('belongs to another cluster'));

test('a master on a fresh database at the same address: the fleet keeps its containers, reports the mismatch, and joins only with --join-new-cluster', async (t) => {
  const port = await freePort();
  const a = await startTestMaster({ port });
  t.teardown(() => closeNow(a));
  const agents: TestAgent[] = [];
  for (let i = 0; i < 3; i++) agents.push(await startTestAgent(t, a, fleetOptions));
  const names = agents.map((g) => g.name);
  const jobIds: string[] = [];
  for (const name of ['web', 'worker']) {
    const { id } = await a.client.jobs.create(job(name));
    jobIds.push(id);
    for (const host of names) await a.client.deployments.deploy(host, id);
  }
  for (const host of names) for (const id of jobIds) await waitForState(a, id, host, 'RUNNING', 30_000);
  const clusterA = await clusterOf(a);
  const before = await containersOf(names);
  for (const host of names) t.is(before[host].filter((c) => c.running).length, 2, host);

  // Master A goes; B starts on an empty database at the same port.
  await closeNow(a);
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(JSON.parse(chunk.toString())); done(); } });
  const b = await startMasterFor(t, { port, logger: { level: 'debug', stream } });
  const clusterB = await clusterOf(b);
  t.not(clusterB, clusterA);

  await waitFor(() => agents.every((g) => g.clusterMismatch() !== null), { timeoutMs: 20_000, message: 'every agent sees the other cluster' });
  const watchStart = Date.now();
  await sleep(8_000); // 8 resyncs, 16 heartbeats and a poll retried every few seconds, for each agent
  t.deepEqual(await containersOf(names), before, 'no container stopped, removed, restarted or added');
  for (const agent of agents) {
    const errors = mismatchErrors(agent);
    t.is(errors.length, 1, `${agent.name} logs it once`);
    const message = errors[0].msg as string;
    t.true(message.includes(`this agent belongs to cluster ${clusterA} (recorded in ${agent.stateDir}), but the master is cluster ${clusterB}`), message);
    t.regex(message, /keeps its containers running and takes no desired state from it\. Check --master; .* restart the agent with --join-new-cluster/);
    t.is(agent.clusterMismatch(), errors[0].reason as string);
  }
  // The master's side: every try refused (logged at debug), one warning per host, nobody registered.
  for (const host of names) {
    const refused = lines.filter((l) => l.msg === 'request' && l.statusCode === 409 && String(l.url).startsWith(`/agents/${host}/`)
      && (l.time as number) >= watchStart);
    t.true(refused.length >= 10, `${host}: ${refused.length} refused tries during the watch`);
    const warnings = lines.filter((l) => l.msg === 'refused an agent of another cluster' && l.host === host);
    t.deepEqual(warnings.map((l) => [l.level, l.clusterId, l.agentClusterId]), [[40, clusterB, clusterA]], host);
  }
  t.deepEqual(await b.client.hosts.list(), []);

  // An agent restarted with its stale state dir: it adopts what runs, and starts nothing B did not ask for.
  const [first, second, third] = agents;
  await first.stop();
  const gone = before[first.name].find((c) => c.jobId === jobIds[1])!;
  await dockerClient().getContainer(gone.id).remove({ force: true });
  const restarted = await startTestAgent(t, b, { ...fleetOptions, name: first.name, stateDir: first.stateDir });
  await waitFor(() => restarted.clusterMismatch(), { timeoutMs: 20_000, message: 'the restarted agent sees the other cluster' });
  await sleep(4_000);
  t.deepEqual((await containersOf([first.name]))[first.name], before[first.name].filter((c) => c.id !== gone.id),
    'the task whose container is gone is not started again; the other runs on, untouched');
  t.is(mismatchErrors(restarted).length, 1);

  // --join-new-cluster: the agents forget A, register with B, run B's job and remove A's containers.
  await Promise.all([restarted.stop(), second.stop(), third.stop()]);
  const joined = [
    await startTestAgent(t, b, { ...fleetOptions, name: first.name, stateDir: first.stateDir, joinNewCluster: true }),
    await startTestAgent(t, b, { ...fleetOptions, name: second.name, stateDir: second.stateDir, joinNewCluster: true }),
  ];
  // The third through the real command line.
  const cli = spawnAgentProcess({ master: b.url, name: third.name, stateDir: third.stateDir, args: ['--join-new-cluster'] });
  t.teardown(() => cli.kill('SIGTERM'));
  await cli.waitForOutput(/joining a new cluster \(--join-new-cluster\)/, 30_000);
  await waitFor(async () => (await b.client.hosts.list()).length === 3, { timeoutMs: 30_000, message: 'the three agents register with B' });

  const { id: bJob } = await b.client.jobs.create(job('b-web'));
  for (const host of names) await b.client.deployments.deploy(host, bJob);
  for (const host of names) await waitForState(b, bJob, host, 'RUNNING', 30_000);
  const after = await waitFor(async () => {
    const now = await containersOf(names);
    return names.every((host) => now[host].length === 1) ? now : undefined;
  }, { timeoutMs: 40_000, message: "A's containers reaped" });
  for (const host of names) t.like(after[host][0], { jobId: bJob, running: true }, host);
  for (const host of names) {
    const state = JSON.parse(await readFile(join(agents[names.indexOf(host)].stateDir, 'state.json'), 'utf8')) as { clusterId: string };
    t.is(state.clusterId, clusterB, `${host} recorded cluster B`);
  }
  for (const agent of joined) t.is(agent.clusterMismatch(), null);
});

test('behind a proxy that drops the cluster header, the agent still refuses another cluster\'s desired set: the tasks answer names the cluster', async (t) => {
  const port = await freePort();
  const a = await startTestMaster({ port });
  t.teardown(() => closeNow(a));
  // A stand-in for a misbehaving proxy (no real one runs here): forwards to the master at `port`
  // without the agent's Helios-Cluster-Id header, so the master's own check never sees it.
  const proxy = createServer((req, res) => {
    const headers = { ...req.headers };
    delete headers[CLUSTER_ID_HEADER.toLowerCase()];
    const upstream = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => { res.writeHead(502); res.end(); });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => { proxy.closeAllConnections(); proxy.close(() => resolve()); }));
  const proxied = { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` };

  const agent = await startTestAgent(t, proxied, fleetOptions);
  const { id } = await a.client.jobs.create(job('proxied'));
  await a.client.deployments.deploy(agent.name, id);
  await waitForState(a, id, agent.name, 'RUNNING', 30_000);
  const before = await containersOf([agent.name]);

  await closeNow(a);
  const b = await startTestMaster({ port });
  t.teardown(() => closeNow(b));
  await waitFor(() => agent.logs.some((l) => typeof l.msg === 'string' && l.msg.includes('belongs to another cluster')),
    { timeoutMs: 20_000, message: 'the agent saw the answer of another cluster' });
  await sleep(4_000); // several resyncs and polls
  t.deepEqual(await containersOf([agent.name]), before, 'the container is neither stopped nor removed');
});
