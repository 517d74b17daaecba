/**
 * Several masters over one PostgreSQL database (a database of its own on HELIOS_TEST_PG): what one
 * writes, another serves, and wakes the other's blocking queries (LISTEN/NOTIFY); conflicting writes
 * through two masters end as on one; the reapers' lease moves to another master when its holder dies.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isHeliosError } from '../core/index.js';
import { startTestMaster } from './harness/master.js';
import { createTestDatabase } from './harness/postgres.js';
import { openStore } from '../master/store/store.js';

const busybox = { image: 'busybox:latest' };

async function twoMasters(t: { teardown(fn: () => Promise<void>): void }) {
  const dbPath = await createTestDatabase(t);
  const a = await startTestMaster({ dbPath, name: 'a' });
  t.teardown(a.close);
  const b = await startTestMaster({ dbPath, name: 'b' });
  t.teardown(b.close);
  return { a, b };
}

test('a deploy through master A wakes the blocking query waiting on master B, and the other way round', async (t) => {
  const { a, b } = await twoMasters(t);
  await a.client.hosts.register('h1', 'a1');
  const { id } = await a.client.jobs.create({ id: 'web:1', ...busybox });
  const first = await b.client.agents.tasks('h1', 0, 0, { agentId: 'a1' });
  t.deepEqual(first.tasks, []);
  for (const [writer, waiter, goal] of [[a, b, 'START'], [b, a, 'STOP']] as const) {
    const before = await waiter.client.agents.tasks('h1', 0, 0, { agentId: 'a1' });
    const waiting = waiter.client.agents.tasks('h1', before.index, 60_000, { agentId: 'a1' });
    for (let i = 0; i < 500 && waiter.master.waitingQueries() < 1; i++) await new Promise((r) => setTimeout(r, 20));
    t.is(waiter.master.waitingQueries(), 1);
    const started = Date.now();
    if (goal === 'START') await writer.client.deployments.deploy('h1', id);
    else await writer.client.deployments.setGoal('h1', id, 'STOP');
    const next = await waiting;
    // Well under the 5 s re-check: the other master's notification woke it.
    t.true(Date.now() - started < 2_000, `${Date.now() - started} ms`);
    t.true(next.index > before.index);
    t.like(next.tasks[0], { jobId: id, goal });
  }
  t.deepEqual(await a.client.hosts.status('h1'), await b.client.hosts.status('h1'));
  // Each master beats into the store: GET /masters (helios masters) names both, the asked one first.
  t.deepEqual(await a.client.masters(), ['a', 'b']);
  t.deepEqual(await b.client.masters(), ['b', 'a']);
});

test('two deploys of one job on one host through two masters at once: one is deployed, the other is JOB_ALREADY_DEPLOYED, as on one master', async (t) => {
  const { a, b } = await twoMasters(t);
  await a.client.hosts.register('h1', 'a1');
  const { id } = await a.client.jobs.create({ id: 'web:1', ...busybox });
  for (let round = 0; round < 5; round++) {
    const results = await Promise.allSettled([a, b].map((m) => m.client.deployments.deploy('h1', id)));
    t.is(results.filter((r) => r.status === 'fulfilled').length, 1);
    t.true(isHeliosError((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason, 'JOB_ALREADY_DEPLOYED'));
    await b.client.deployments.undeploy('h1', id);
  }
  t.is((await a.client.audit({ job: id })).events.filter((e) => e.action === 'deploy').length, 5);
});

test('the reapers\' lease: held by one master at a time, taken by another within seconds of a kill -9 of its holder', async (t) => {
  const url = await createTestDatabase(t);
  const root = fileURLToPath(new URL('..', import.meta.url));
  const holder = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `
    import { openStore } from './master/store/store.js';
    const store = await openStore(${JSON.stringify(url)});
    console.log(await store.holdsLease('reapers') ? 'held' : 'refused');
    setInterval(() => {}, 1000);`], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => { holder.kill('SIGKILL'); });
  const said = await new Promise<string>((resolve) => holder.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
  t.is(said, 'held');
  const other = await openStore(url);
  t.teardown(() => other.close());
  t.false(await other.holdsLease('reapers'), 'held by the other master');
  t.true(await other.holdsLease('another lease'), 'a lease of another name is free');
  const killed = Date.now();
  holder.kill('SIGKILL');
  while (!await other.holdsLease('reapers')) {
    t.true(Date.now() - killed < 5_000, 'taken over within 5 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  t.log(`taken over ${Date.now() - killed} ms after the kill -9`);
  t.true(await other.holdsLease('reapers'), 'and kept');
});
