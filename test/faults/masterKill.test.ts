/**
 * `kill -9` of the master in the middle of its work (Flux treating a commit as a transaction, Nomad's
 * kill loops): in the middle of a sync apply, and in the middle of a burst of creates and deploys.
 * After a restart on the same file every acknowledged write must be there, and every write (a whole
 * commit, one create, one deploy with its audit event and port rows) all there or not at all. The
 * moment to kill is found from outside: while the master's write transaction runs, another
 * connection cannot begin one (SQLITE_BUSY), and that is when the signal goes.
 */
import test from 'ava';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, type HeliosClient } from '../../core/index.js';
import { tempDir } from '../harness/processes.js';
import { runMasterCommand, spawnMaster, urlOf } from '../harness/master.js';
import type { SpawnedProcess } from '../harness/processes.js';

const JOBS = 5_000;
const HOSTS = 10;
// The apply's transaction of thousands of rows lasts far longer than a probe's turn; a loaded
// machine only makes it longer. Bounds: generous, for four test files at once on two cores.
const PROBE_TIMEOUT_MS = 60_000;

const syncBody = (commit: string) => JSON.stringify({
  repo: 'https://git.example/apps.git', branch: 'main', path: 'jobs', commit, errors: [],
  jobs: Array.from({ length: JOBS }, (_, i) => ({
    file: `jobs/j${i}.yaml`,
    spec: { name: `j${i}`, version: '1', image: 'busybox:latest', env: { COMMIT: commit } },
    hosts: [`h${(i + Number(commit.slice(1))) % HOSTS}`], // every commit moves every job to another host
    goal: 'START',
  })),
});

async function startOn(db: string): Promise<{ master: SpawnedProcess; url: string; client: HeliosClient }> {
  const master = spawnMaster(['--db', db]);
  const url = await urlOf(master);
  return { master, url, client: createClient({ baseUrl: url }) };
}

/**
 * Waits until the master holds its write lock through three probes in a row (another connection's
 * BEGIN IMMEDIATE is SQLITE_BUSY: a long transaction, not a reaper's one-statement write), then kills
 * it with SIGKILL at once. A probe holds the lock for microseconds and the master waits up to 100 ms
 * for it, so probing does not make the master's own writes fail.
 */
async function killInsideWriteTransaction(db: string, master: SpawnedProcess, answered: () => boolean): Promise<'killed' | 'answered first'> {
  const probe = new Database(db, { timeout: 0 });
  try {
    const deadline = Date.now() + PROBE_TIMEOUT_MS;
    for (let busy = 0; Date.now() < deadline; await sleep(1)) {
      // On a loaded machine the probes may come too seldom to see the whole transaction: then the
      // answer comes first, and the caller tries again.
      if (answered()) return 'answered first';
      try {
        probe.exec('BEGIN IMMEDIATE');
        probe.exec('ROLLBACK');
        busy = 0;
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
        if (++busy < 3) continue;
        process.kill(-master.pid!, 'SIGKILL');
        await master.exited;
        return 'killed';
      }
    }
    throw new Error(`the master began no write transaction within ${PROBE_TIMEOUT_MS} ms`);
  } finally {
    probe.close();
  }
}

/** What the database holds of source apps: its last applied commit, and the commit each of its jobs carries. */
function sourceState(db: string) {
  const file = new Database(db, { readonly: true });
  try {
    const source = file.prepare("SELECT * FROM sync_sources WHERE name = 'apps'").get() as Record<string, unknown> | undefined;
    const jobs = file.prepare("SELECT spec FROM jobs WHERE owner = 'git:apps'").all() as { spec: string }[];
    const commits = new Set(jobs.map((j) => (JSON.parse(j.spec) as { env: { COMMIT: string } }).env.COMMIT));
    const deployments = (file.prepare("SELECT count(*) AS n FROM deployments WHERE owner = 'git:apps'").get() as { n: number }).n;
    return { applied: source?.last_applied_commit ?? null, jobs: jobs.length, commits: [...commits].sort(), deployments };
  } finally {
    file.close();
  }
}

test('kill -9 inside a sync apply: after a restart the commit is all there or not at all, and an acknowledged one all there', async (t) => {
  const dir = await tempDir('helios-kill-sync-');
  t.teardown(dir.cleanup);
  const db = join(dir.path, 'master.db');
  let running = await startOn(db);
  t.teardown(() => running.master.kill('SIGKILL'));
  const put = (url: string, commit: string) => fetch(`${url}/sync/sources/apps`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: syncBody(commit) });

  const first = await put(running.url, 'c1');
  t.is(first.status, 200);
  t.like(await first.json(), { state: 'APPLIED', commit: 'c1' });

  // A commit changing every job, killed inside its transaction: none of it survives. Should the
  // signal land after the COMMIT (the apply finished first), it is all there; then try another.
  let killedInside = 0;
  let applied = 'c1';
  for (const commit of ['c2', 'c3', 'c4', 'c5', 'c6', 'c7']) {
    let settled = false;
    const answer = put(running.url, commit).then(async (r) => `${r.status} ${await r.text()}`, () => 'no answer').finally(() => { settled = true; });
    if (await killInsideWriteTransaction(db, running.master, () => settled) === 'answered first') {
      t.regex(await answer, /^200 /, `${commit}: the apply answered before a probe saw its transaction`);
      t.log(`${commit}: applied before a probe saw its transaction`);
      applied = commit;
      continue;
    }
    const acknowledged = (await answer).startsWith('200 ');
    running = await startOn(db);
    const state = sourceState(db);
    t.log(`${commit}: ${state.commits.includes(commit) ? 'the kill came after its COMMIT' : 'killed inside its transaction'}`);
    if (state.commits.includes(commit)) {
      t.like(state, { applied: commit, jobs: JOBS, commits: [commit], deployments: JOBS }, `${commit} is all there`);
      applied = commit;
    } else {
      t.false(acknowledged, `${commit} was acknowledged, then lost`);
      t.like(state, { applied, jobs: JOBS, commits: [applied], deployments: JOBS }, `nothing of ${commit}`);
      killedInside += 1;
    }
    t.is(Object.keys(await running.client.jobs.list()).length, JOBS, 'the restarted master serves it');
    if (killedInside > 0) break;
  }
  t.true(killedInside > 0, 'no kill landed inside the transaction');

  // An acknowledged commit survives a kill -9 that follows its answer.
  const last = await put(running.url, 'c9');
  t.like(await last.json(), { state: 'APPLIED', commit: 'c9' });
  await running.master.kill('SIGKILL');
  t.like(sourceState(db), { applied: 'c9', jobs: JOBS, commits: ['c9'], deployments: JOBS });
  const check = await runMasterCommand(['check', '--db', db]);
  t.is(check.code, 0, check.stderr);
});

test('kill -9 in a burst of creates and deploys: every acknowledged one is there, and each is whole', async (t) => {
  const dir = await tempDir('helios-kill-burst-');
  t.teardown(dir.cleanup);
  const db = join(dir.path, 'master.db');
  let running = await startOn(db);
  t.teardown(() => running.master.kill('SIGKILL'));
  const hosts = ['h1', 'h2', 'h3', 'h4'];
  for (const host of hosts) await running.client.hosts.register(host, `agent-${host}`);

  // The jobs to deploy exist first (each with a static port); then 300 deploys and 100 creates go
  // at once, and the kill comes when 150 of them have been acknowledged, the others in flight.
  const DEPLOYS = 300;
  const ids: string[] = [];
  for (let i = 0; i < DEPLOYS; i += 30) {
    ids.push(...await Promise.all(Array.from({ length: 30 }, (_, k) => running.client.jobs.create(
      { id: `burst-${i + k}:1`, image: 'busybox:latest', ports: { http: { internalPort: 80, externalPort: 20_000 + i + k } } }).then((j) => j.id))));
  }
  const created = new Set<string>(ids);
  const deployed = new Set<string>();
  let acknowledged = 0;
  let killed = false;
  const client = running.client;
  // The kill goes as the 150th answer is read, not from a timer: on a loaded machine a timer could
  // wait while the process reads every answer of the burst.
  let kill: Promise<unknown> | undefined;
  const acknowledge = (set: Set<string>, key: string) => {
    if (killed) return;
    set.add(key);
    if (++acknowledged < 150) return;
    killed = true;
    kill = running.master.kill('SIGKILL');
  };
  // Three deploys, then a create, and again: both kinds are in flight when the kill comes.
  const deploy = async (id: string, i: number) => {
    const host = hosts[i % hosts.length];
    await client.deployments.deploy(host, id);
    acknowledge(deployed, `${host} ${id}`);
  };
  const create = async (i: number) => acknowledge(created, (await client.jobs.create({ id: `late-${i}:1`, image: 'busybox:latest' })).id);
  const burst = Promise.allSettled(ids.flatMap((id, i) => (i % 3 === 2 ? [deploy(id, i), create(i)] : [deploy(id, i)])));
  await burst;
  await kill;
  t.log(`${created.size - DEPLOYS} creates and ${deployed.size} deploys acknowledged in the burst before the kill`);
  t.true(deployed.size > 0 && created.size + deployed.size < DEPLOYS + 100 + DEPLOYS, 'the kill came in the middle of the burst');

  running = await startOn(db);
  const file = new Database(db, { readonly: true });
  t.teardown(() => file.close());
  const jobs = new Set((file.prepare('SELECT id FROM jobs').all() as { id: string }[]).map((r) => r.id));
  const deployments = file.prepare('SELECT host, job_id AS jobId, modify_index AS modifyIndex FROM deployments').all() as { host: string; jobId: string; modifyIndex: number }[];
  for (const id of created) t.true(jobs.has(id), `acknowledged create of ${id} lost`);
  const present = new Set(deployments.map((d) => `${d.host} ${d.jobId}`));
  for (const pair of deployed) t.true(present.has(pair), `acknowledged deploy ${pair} lost`);

  // Each write whole: a job with its create event; a deployment with its deploy event, its port row and
  // its host's desired index; and nothing of a write that did not commit.
  const audited = (action: string) => new Set((file.prepare('SELECT job_id AS jobId, host FROM audit WHERE action = ?').all(action) as { jobId: string; host: string | null }[])
    .map((e) => (e.host ? `${e.host} ${e.jobId}` : e.jobId)));
  t.deepEqual([...audited('create')].sort(), [...jobs].sort(), 'one create event per job, none without its job');
  t.deepEqual([...audited('deploy')].sort(), [...present].sort(), 'one deploy event per deployment, none without it');
  const ports = new Set((file.prepare('SELECT host, job_id AS jobId FROM host_ports').all() as { host: string; jobId: string }[]).map((p) => `${p.host} ${p.jobId}`));
  t.deepEqual([...ports].sort(), [...present].sort(), 'a port row per deployment, none left over');
  const desired = new Map((file.prepare('SELECT name, desired_index AS desiredIndex FROM hosts').all() as { name: string; desiredIndex: number }[]).map((h) => [h.name, h.desiredIndex]));
  for (const d of deployments) t.true(desired.get(d.host)! >= d.modifyIndex, `${d.host} did not see ${d.jobId}`);

  // The restarted master serves it all, and takes writes again.
  t.deepEqual(new Set(Object.keys(await running.client.jobs.list())), jobs);
  t.truthy(await running.client.jobs.create({ id: 'after:1', image: 'busybox:latest' }));
  const check = await runMasterCommand(['check', '--db', db]);
  t.is(check.code, 0, check.stderr);
});
