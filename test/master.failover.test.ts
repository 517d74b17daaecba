/**
 * Masters that survive a lost machine (issue 16's must-show): two masters on one PostgreSQL (a
 * database of its own on HELIOS_TEST_PG), master A a child process, B in this process, and one real
 * agent on the real Docker engine given both. A deploy through A runs; A is killed with SIGKILL in
 * the middle of the agent's blocking query; the agent goes on at B, where a second deploy reaches it
 * and runs, and B's statuses and history are complete, with no container restarted or made twice.
 * A syncer given both masters goes on applying commits through B. A status report that master A
 * took but never answered, sent again to B, is recorded once.
 */
import test, { type ExecutionContext } from 'ava';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createClient, type HeliosClient, type TaskStatus } from '../core/index.js';
import { parseOptions, type SyncerConfig } from '../syncer/options.js';
import { startSyncer } from '../syncer/sync.js';
import { jobExists, jobFile, jobIdOf } from './gitopsHelpers.js';
import { commitFiles, gitRepo } from './harness/gitServer.js';
import { agentContainers, dockerClient, startMasterFor, startTestAgent } from './harness/agent.js';
import { spawnMaster, startTestMaster, urlOf } from './harness/master.js';
import { createTestDatabase } from './harness/postgres.js';
import { tempDir, waitFor } from './harness/processes.js';

const job = (name: string) => ({ id: `${name}:1`, image: 'busybox:latest', command: ['sleep', '100000'], secondsToWaitBeforeKill: 1 });

const statusOn = (client: HeliosClient, jobId: string, host: string, state: TaskStatus['state']) =>
  waitFor(async () => {
    const s = (await client.jobs.status(jobId)).taskStatuses[host];
    return s?.state === state ? s : undefined;
  }, { timeoutMs: 30_000, intervalMs: 50, message: `${jobId} on ${host} reaching ${state}` });

const states = async (client: HeliosClient, jobId: string) => (await client.jobs.history(jobId)).events.map((e) => e.status.state);

test('kill -9 of master A: the agent given both goes on at master B, a deploy through B runs, nothing is lost, restarted or made twice', async (t) => {
  const db = await createTestDatabase(t);
  const a = spawnMaster(['--db', db, '--name', 'a']);
  t.teardown(() => a.kill('SIGKILL').then(() => undefined));
  const aUrl = await urlOf(a);
  const viaA = createClient({ baseUrl: aUrl });
  const b = await startMasterFor(t, { dbPath: db, name: 'b' });
  const agent = await startTestAgent(t, { url: aUrl }, { master: [aUrl, b.url] });

  const { id: first } = await viaA.jobs.create(job('first'));
  await viaA.deployments.deploy(agent.name, first);
  const running = await statusOn(viaA, first, agent.name, 'RUNNING');
  const before = await dockerClient().getContainer(running.containerId!).inspect();
  const historyOnA = await states(viaA, first);
  // The agent's blocking query waits on A (the first master), none on B.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  t.is(b.master.waitingQueries(), 0, 'the agent waits on A');

  const killed = Date.now();
  await a.kill('SIGKILL');
  // The agent's next request to succeed: its blocking query, held by B.
  await waitFor(() => b.master.waitingQueries() > 0, { timeoutMs: 30_000, intervalMs: 5, message: 'the agent waiting on B' });
  const failoverMs = Date.now() - killed;
  t.log(`the agent's blocking query was at master B ${failoverMs} ms after the kill -9 of A`);
  // Moved on inside the requests themselves: the agent never found its masters unreachable.
  t.deepEqual(agent.logs.filter((l) => /unreachable/.test(String(l.msg))).map((l) => l.msg), []);

  const { id: second } = await b.client.jobs.create(job('second'));
  const deployed = Date.now();
  await b.client.deployments.deploy(agent.name, second);
  await statusOn(b.client, second, agent.name, 'RUNNING');
  t.log(`deploy through B -> RUNNING in ${Date.now() - deployed} ms`);

  // B holds the whole story: the first job's history as A had it (nothing lost, nothing twice), the second's own.
  t.deepEqual(await states(b.client, first), historyOnA);
  t.is(historyOnA.at(-1), 'RUNNING');
  const secondHistory = await states(b.client, second);
  t.is(secondHistory.at(-1), 'RUNNING');
  t.is(new Set(secondHistory).size, secondHistory.length, `each state once: ${secondHistory.join(' ')}`);
  const statuses = await b.client.jobs.statuses([first, second]);
  t.like(statuses[first].taskStatuses[agent.name], { state: 'RUNNING', containerId: running.containerId });
  t.like(statuses[second].taskStatuses[agent.name], { state: 'RUNNING' });
  t.like(await b.client.hosts.status(agent.name), { status: 'UP' });

  // One container per job; the first never restarted by the fail-over.
  const containers = await agentContainers(agent.name);
  t.deepEqual(containers.map((c) => c.Labels['helios.job']).sort(), [first, second].sort());
  const after = await dockerClient().getContainer(running.containerId!).inspect();
  t.is(after.State.StartedAt, before.State.StartedAt);
  t.is(after.RestartCount, 0);
  t.true(after.State.Running);
});

test('kill -9 of master A: a syncer given both applies the next commit through master B', async (t) => {
  const db = await createTestDatabase(t);
  const a = spawnMaster(['--db', db, '--name', 'a']);
  t.teardown(() => a.kill('SIGKILL').then(() => undefined));
  const aUrl = await urlOf(a);
  const b = await startMasterFor(t, { dbPath: db, name: 'b' });
  const root = await tempDir('helios-failover-repo-');
  t.teardown(root.cleanup);
  const repo = await gitRepo(root.path, { 'jobs/first.yaml': jobFile('first') });
  const logs: Record<string, unknown>[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => { logs.push(JSON.parse(line) as Record<string, unknown>); } });
  const config = parseOptions(['--master', `${aUrl},${b.url}`, '--repo', repo.bare, '--name', 'failover', '--interval', '1h']) as SyncerConfig;
  const syncer = await startSyncer(config, log);
  t.teardown(syncer.stop);
  await waitFor(() => jobExists(createClient({ baseUrl: aUrl }), jobIdOf('jobs/first.yaml', jobFile('first'))), { message: 'the first commit applied through A' });
  t.deepEqual(await b.client.masters(), ['b', 'a'], 'both masters alive before the kill');

  await a.kill('SIGKILL');
  const second = await commitFiles(repo.work, { 'jobs/second.yaml': jobFile('second') });
  const committed = Date.now();
  const next = syncer.reactor.next();
  syncer.reactor.signal();
  const outcome = await next;
  t.log(`commit after the kill -9 of A applied through B in ${Date.now() - committed} ms`);
  t.is(outcome.commit, second);
  t.is(outcome.result.state, 'APPLIED');
  t.true(await jobExists(b.client, jobIdOf('jobs/second.yaml', jobFile('second'))));
  t.like(await b.client.sync.source('failover'), { lastAppliedCommit: second, state: 'OK' });
  t.deepEqual(logs.filter((l) => l.msg === 'sync failed').map((l) => l.err), [], 'no pass failed');
});

/**
 * An HTTP front for a master. Armed, it passes the next status report on and drops the connection
 * when the master has answered it: a report the master took whose answer never came, as when a
 * master dies between its commit and its reply. Frozen, it answers nothing from then on, neither new
 * requests nor those the master answers later: a master on a machine that was lost (no reset).
 */
async function masterFront(target: string) {
  let armed = false;
  let frozen = false;
  let cut = 0;
  const server = createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (chunk: Buffer) => body.push(chunk));
    req.on('end', () => {
      if (frozen) return;
      const upstream = request(target + req.url, { method: req.method, headers: req.headers }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          if (frozen) return;
          if (armed && req.method === 'POST' && req.url?.endsWith('/statuses')) {
            armed = false;
            cut++;
            req.socket.destroy();
            return;
          }
          res.writeHead(answer.statusCode ?? 502, passed(answer.headers)).end(Buffer.concat(chunks));
        });
      });
      upstream.on('error', () => req.socket.destroy());
      upstream.end(Buffer.concat(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arm: () => { armed = true; },
    freeze: () => { frozen = true; },
    get cut() { return cut; },
    close: () => { server.closeAllConnections(); return new Promise<void>((resolve) => server.close(() => resolve())); },
  };
}

const passed = (headers: IncomingHttpHeaders) => Object.fromEntries(Object.entries(headers)
  .filter(([name]) => !['connection', 'keep-alive', 'transfer-encoding', 'content-length'].includes(name)));

/**
 * Masters A and B on one database, A behind a front the test can cut, and an agent given both
 * (the front first), registered and UP: a deploy made at once would otherwise race its registration.
 */
async function mastersBehindFront(t: ExecutionContext) {
  const db = await createTestDatabase(t);
  const a = await startTestMaster({ dbPath: db, name: 'a' });
  t.teardown(a.close);
  const front = await masterFront(a.url);
  t.teardown(front.close);
  const b = await startMasterFor(t, { dbPath: db, name: 'b' });
  const agent = await startTestAgent(t, { url: front.url }, { master: [front.url, b.url] });
  await waitFor(async () => (await a.client.hosts.status(agent.name).catch(() => undefined))?.status === 'UP', { message: 'the agent UP' });
  return { a, b, front, agent };
}

test('a status report master A took but never answered goes to master B and is recorded once', async (t) => {
  const { a, b, front, agent } = await mastersBehindFront(t);

  front.arm();
  const { id } = await a.client.jobs.create(job('once'));
  await a.client.deployments.deploy(agent.name, id);
  await statusOn(b.client, id, agent.name, 'RUNNING');
  t.is(front.cut, 1, 'one report was taken by A and its answer lost');
  const history = await states(b.client, id);
  t.is(history.at(-1), 'RUNNING');
  t.is(new Set(history).size, history.length, `each state once: ${history.join(' ')}`);
});

test('master A silent (a lost machine: no reset, no answer): the agent goes on at master B within its call timeout, its host never DOWN, and a deploy through B runs', async (t) => {
  const { a, b, front, agent } = await mastersBehindFront(t);
  const { id: first } = await a.client.jobs.create(job('before'));
  await a.client.deployments.deploy(agent.name, first);
  const running = await statusOn(a.client, first, agent.name, 'RUNNING');
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.is(b.master.waitingQueries(), 0, 'the agent waits on A');

  front.freeze();
  const frozen = Date.now();
  const downSeen: string[] = [];
  const watchUp = setInterval(() => {
    void b.client.hosts.status(agent.name).then((s) => { if (s.status !== 'UP') downSeen.push(s.status); }, () => {});
  }, 500);
  t.teardown(() => clearInterval(watchUp));
  await waitFor(() => b.master.waitingQueries() > 0, { timeoutMs: 40_000, intervalMs: 20, message: 'the agent waiting on B' });
  t.log(`the agent's blocking query was at master B ${Date.now() - frozen} ms after master A fell silent`);
  const { id: second } = await b.client.jobs.create(job('after'));
  await b.client.deployments.deploy(agent.name, second);
  await statusOn(b.client, second, agent.name, 'RUNNING');
  clearInterval(watchUp);
  t.deepEqual(downSeen, [], 'the host stayed UP');
  t.like((await b.client.jobs.status(first)).taskStatuses[agent.name], { state: 'RUNNING', containerId: running.containerId });
  t.deepEqual((await agentContainers(agent.name)).map((c) => c.Labels['helios.job']).sort(), [first, second].sort());
});
