/**
 * GET /jobs and a job's history in pages (review F12): asked with `limit`, an answer is one page
 * `{jobs|events, next}` bounded by --max-page-bytes; without it, the Helios answer as before.
 */
import test from 'ava';
import type { HeliosClient, Job, SyncJob, TaskStatus, TaskStatusEvent } from '../core/index.js';
import { expectError, startTestMaster } from './harness/master.js';
import { ENGINES } from './harness/engines.js';

const file = (name: string, host: string): SyncJob => ({
  file: `jobs/${name}.yaml`, spec: { name, version: '1', image: 'busybox:latest', env: { PADDING: 'p'.repeat(100) } }, hosts: [host], goal: 'STOP',
});
const commit = (jobs: SyncJob[]) => ({ repo: 'http://127.0.0.1/repo.git', branch: 'main', path: 'jobs', commit: 'c1', jobs, errors: [] });
const status = (jobId: string, state: TaskStatus['state']): TaskStatus => ({
  jobId, goal: 'START', state, containerId: null, throttled: 'NO', ports: {}, env: {}, containerError: null,
});

async function allJobPages(client: HeliosClient, o: { limit: number; q?: string; hostPattern?: string }) {
  const pages: Array<Record<string, Job>> = [];
  let after: string | undefined;
  do {
    const page = await client.jobs.page({ ...o, after });
    pages.push(page.jobs);
    after = page.next;
  } while (after !== undefined);
  return pages;
}

for (const engine of ENGINES) {
  test(`${engine}: GET /jobs?limit= pages through every job in id order, with the filters; without limit it is the whole map as before`, async (t) => {
    const m = await startTestMaster({ engine, limits: { maxPageBytes: 4096 } });
    t.teardown(m.close);
    const names = Array.from({ length: 30 }, (_, i) => `job${String(i).padStart(2, '0')}`);
    t.is((await m.client.sync.apply('s', commit(names.map((n, i) => file(n, i % 2 ? 'odd-1' : 'even-1'))))).state, 'APPLIED');
    const whole = await m.client.jobs.list();
    t.is(Object.keys(whole).length, 30);
    t.false('jobs' in whole || 'next' in whole, 'the default answer is the Helios map');

    const byCount = await allJobPages(m.client, { limit: 7 });
    t.deepEqual(byCount.map((p) => Object.keys(p).length), [7, 7, 7, 7, 2]);
    t.deepEqual(Object.assign({}, ...byCount), whole);
    t.deepEqual(byCount.flatMap((p) => Object.keys(p)), Object.keys(whole), 'id order across pages');

    // Jobs of about 380 characters in pages of 4 KiB: the bytes end each page before the count does.
    const byBytes = await allJobPages(m.client, { limit: 1000 });
    t.true(byBytes.length >= 3 && byBytes.every((p) => JSON.stringify(p).length <= 4096), `${byBytes.length} pages`);
    t.deepEqual(Object.assign({}, ...byBytes), whole);

    const odd = await allJobPages(m.client, { limit: 4, hostPattern: '^odd' });
    t.deepEqual(Object.keys(Object.assign({}, ...odd)), Object.keys(await m.client.jobs.list({ hostPattern: '^odd' })));
    t.is(Object.keys(Object.assign({}, ...odd)).length, 15);
    t.deepEqual(Object.keys(Object.assign({}, ...await allJobPages(m.client, { limit: 2, q: 'job1' }))), names.slice(10, 20).map((n) => Object.keys(whole).find((id) => id.startsWith(`${n}:`))));
    t.deepEqual(await m.client.jobs.page({ limit: 5, q: 'nothing' }), { jobs: {} });
  });

  test(`${engine}: a job's history with ?limit= pages through every event in arrival order; without limit every event as before`, async (t) => {
    const m = await startTestMaster({ engine, limits: { maxPageBytes: 1024 } });
    t.teardown(m.close);
    const { id } = await m.client.jobs.create({ id: 'web:1', image: 'busybox:latest' });
    for (const host of ['h1', 'h2']) {
      await m.client.hosts.register(host, `a-${host}`);
      await m.client.deployments.deploy(host, id);
    }
    const states: Array<TaskStatus['state']> = ['PULLING_IMAGE', 'CREATING', 'STARTING', 'RUNNING', 'EXITED'];
    for (let round = 0; round < 3; round++) {
      for (const host of ['h1', 'h2']) {
        await m.client.agents.reportStatuses(host, { id: `a-${host}`, updates: states.map((state, i) => ({ status: status(id, state), timestamp: 1_000 * round + i })), removed: [] });
      }
    }
    const { events } = await m.client.jobs.history(id);
    t.is(events.length, 30);

    for (const limit of [4, 1000]) {
      const pages: TaskStatusEvent[][] = [];
      let after: number | undefined;
      do {
        const page = await m.client.jobs.historyPage(id, { limit, after });
        pages.push(page.events);
        after = page.next;
      } while (after !== undefined);
      t.deepEqual(pages.flat(), events, `limit ${limit}`);
      t.true(pages.every((p) => p.length <= limit && JSON.stringify(p).length <= 1024), `limit ${limit}: ${pages.map((p) => p.length).join(',')}`);
      t.true(pages.length > 3, `limit ${limit}: ${pages.length} pages`);
    }
    await expectError(t, m.client.jobs.historyPage('nope:1', { limit: 10 }), 'JOB_NOT_FOUND');
    const bad = await fetch(`${m.url}/history/jobs/${id}?limit=0`);
    t.is(bad.status, 400);
    t.regex(((await bad.json()) as { message: string }).message, /limit/);
  });
}
