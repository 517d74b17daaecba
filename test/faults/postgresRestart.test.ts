/**
 * The masters' PostgreSQL goes away (an immediate stop: every connection cut, as a crash or a
 * failover of the database does) under two masters and a running agent, and comes back on the same
 * data and port. While it is away every request answers 503 STORAGE_ERROR naming the database, the
 * masters and the agent live on, and the agent's container is never touched (an error is not an empty
 * desired set). Once it is back, both masters serve again without a restart, their pools and
 * listening connections made anew: a deploy through master A reaches the agent waiting on master B.
 * The server is a private one of this test (test/env/postgresServer.ts), never the session's.
 */
import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { HeliosError, type HeliosClient, type TaskStatus } from '../../core/index.js';
import { agentContainers, dockerClient, startMasterFor, startTestAgent } from '../harness/agent.js';
import { createDatabase } from '../harness/postgres.js';
import { waitFor } from '../harness/processes.js';
import { startPostgresServer } from '../env/postgresServer.js';

const SLOW_MS = 60_000;
// The first request after the stop may meet a pooled connection cut (Connection terminated
// unexpectedly, or 57P01 from the server's shutdown), the next ones a refused connect (ECONNREFUSED).
const STORAGE_DOWN = /^the master cannot (reach|use) its PostgreSQL database \(.+\); the master log has the details$/;

const job = (name: string) => ({ id: `${name}:1`, image: 'busybox:latest', command: ['sleep', '100000'], secondsToWaitBeforeKill: 1 });

const statusOn = (client: HeliosClient, jobId: string, host: string, state: TaskStatus['state']) =>
  waitFor(async () => {
    const s = (await client.jobs.status(jobId).catch(() => undefined))?.taskStatuses[host];
    return s?.state === state ? s : undefined;
  }, { timeoutMs: SLOW_MS, intervalMs: 50, message: `${jobId} on ${host} reaching ${state}` });

async function refusal(call: Promise<unknown>): Promise<HeliosError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof HeliosError) return err;
    throw err;
  }
  throw new Error('answered while the database was down');
}

test('the masters\' PostgreSQL stopped and started again: 503 STORAGE_ERROR meanwhile, nothing touched, and both masters serve again without a restart', async (t) => {
  // Durable (fsync and synchronous commits on, PostgreSQL's defaults): what the masters acknowledged
  // must survive the immediate stop, as it would a crash.
  const server = await startPostgresServer((line) => t.log(line), { durable: true });
  t.teardown(server.stop);
  const { url: db } = await createDatabase(server.url);
  const a = await startMasterFor(t, { dbPath: db, name: 'a' });
  const b = await startMasterFor(t, { dbPath: db, name: 'b' });
  const agent = await startTestAgent(t, b);
  await waitFor(async () => (await b.client.hosts.status(agent.name).catch(() => undefined))?.status === 'UP', { timeoutMs: SLOW_MS, message: 'the agent UP' });

  const { id: first } = await a.client.jobs.create(job('before'));
  await a.client.deployments.deploy(agent.name, first);
  const running = await statusOn(b.client, first, agent.name, 'RUNNING');
  const startedAt = (await dockerClient().getContainer(running.containerId!).inspect()).State.StartedAt;
  const historyBefore = (await b.client.jobs.history(first)).events.length;

  let downFor = 0;
  await server.restart(async () => {
    const stopped = Date.now();
    for (const [name, call] of [['a: GET /jobs', a.client.jobs.list()], ['a: POST /jobs', a.client.jobs.create(job('meanwhile'))],
      ['b: job status', b.client.jobs.status(first)]] as const) {
      const err = await refusal(call);
      t.is(err.code, 'STORAGE_ERROR', name);
      t.is(err.httpStatus, 503, name);
      t.regex(err.message, STORAGE_DOWN, name);
    }
    // Longer than the agent's heartbeat and its blocking query's re-check: it meets the outage.
    await sleep(6_000);
    const inspected = await dockerClient().getContainer(running.containerId!).inspect();
    t.true(inspected.State.Running, 'the container runs on while the database is away');
    t.is(inspected.State.StartedAt, startedAt);
    downFor = Date.now() - stopped;
  });
  const restarted = Date.now();
  t.log(`PostgreSQL was down ${downFor} ms`);

  await waitFor(async () => (await a.client.jobs.list().catch(() => undefined)) !== undefined, { timeoutMs: SLOW_MS, intervalMs: 50, message: 'master A serving again' });
  t.log(`master A served again ${Date.now() - restarted} ms after PostgreSQL was back`);
  const deployed = Date.now();
  const { id: second } = await a.client.jobs.create(job('after'));
  await a.client.deployments.deploy(agent.name, second);
  await statusOn(b.client, second, agent.name, 'RUNNING');
  t.log(`a deploy through A reached B's agent and ran ${Date.now() - deployed} ms after it was made`);

  t.like((await b.client.jobs.status(first)).taskStatuses[agent.name], { state: 'RUNNING', containerId: running.containerId });
  t.is((await dockerClient().getContainer(running.containerId!).inspect()).State.StartedAt, startedAt, 'the first container never restarted');
  t.is((await b.client.jobs.history(first)).events.length, historyBefore, 'no state of the first job was reported anew');
  t.deepEqual((await agentContainers(agent.name)).map((c) => c.Labels['helios.job']).sort(), [first, second].sort(), 'one container per job');
  t.deepEqual(Object.keys(await a.client.jobs.list()).sort(), [first, second].sort(), 'the job refused while the database was down was not made');
});
