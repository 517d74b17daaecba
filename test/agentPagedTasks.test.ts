/**
 * A host's desired set in pages (review F12): whole, it could pass V8's string limit and every poll of
 * the host would fail. Here pages are made small with --max-page-bytes, so that a few hundred
 * jobs take many pages.
 */
import test from 'ava';
import { createClient, type DesiredTasks, type FetchLike, type SyncJob } from '../core/index.js';
import { fetchDesired } from '../agent/link/fetchDesired.js';
import { startTestMaster } from './harness/master.js';
import { startTestAgent, uniqueName } from './harness/agent.js';
import { waitFor } from './harness/processes.js';

const PAGE_BYTES = 2048;
const job = (name: string, host: string, goal: 'START' | 'STOP' = 'STOP'): SyncJob => ({
  file: `jobs/${name}.yaml`,
  spec: { name, version: '1', image: 'busybox:latest', env: { PADDING: 'p'.repeat(100) } }, hosts: [host], goal,
});
const commit = (c: string, jobs: SyncJob[]) => ({ repo: 'http://127.0.0.1/repo.git', branch: 'main', path: 'jobs', commit: c, jobs, errors: [] });
const names = (count: number) => Array.from({ length: count }, (_, i) => `job${String(i).padStart(4, '0')}`);

test('a real agent receives every one of 150 tasks of its host, which the master answers in pages of --max-page-bytes', async (t) => {
  const m = await startTestMaster({ limits: { maxPageBytes: PAGE_BYTES } });
  t.teardown(m.close);
  const host = uniqueName('paged');
  // Goal STOP: the agent reports each task STOPPED without a container, so 150 tasks cost no Docker work.
  t.is((await m.client.sync.apply('s', commit('c1', names(150).map((n) => job(n, host))))).state, 'APPLIED');
  await m.client.hosts.register(host, 'probe');

  // Paged, the answer is bounded: a page ends before its tasks would pass the bound (the rest of the
  // text is index, next and clusterId).
  const page = await fetch(`${m.url}/agents/${host}/tasks?index=0&wait=0&id=probe&limit=1000`);
  const text = await page.text();
  const first = JSON.parse(text) as DesiredTasks;
  t.true(first.tasks.length > 1 && first.tasks.length < 150, `${first.tasks.length} tasks in the first page`);
  t.is(first.next, first.tasks.at(-1)!.jobId);
  t.true(text.length <= PAGE_BYTES + 200, `${text.length} characters`);
  // Without limit (an agent from before paging) the whole set, as before.
  t.is((await m.client.agents.tasks(host, 0, 0, { agentId: 'probe' })).tasks.length, 150);

  await startTestAgent(t, m, { name: host });
  // Generous for a loaded machine: 150 STOPPED reports in batches take well under a second alone.
  const statuses = await waitFor(async () => {
    const { statuses: s } = await m.client.hosts.status(host);
    return Object.keys(s).length === 150 && Object.values(s).every((status) => status.state === 'STOPPED') ? s : undefined;
  }, { timeoutMs: 60_000, message: 'every task STOPPED on the agent' });
  t.deepEqual(Object.values(statuses).map((s) => s.jobId.split(':')[0]).sort(), names(150));
});

test('the pages of one set all carry its index: a change between two pages starts the reading again', async (t) => {
  const m = await startTestMaster({ limits: { maxPageBytes: PAGE_BYTES } });
  t.teardown(m.close);
  await m.client.hosts.register('h1', 'a1');
  t.is((await m.client.sync.apply('s', commit('c1', names(60).map((n) => job(n, 'h1'))))).state, 'APPLIED');

  // After the first page, a commit removes job0000 (on that page) and adds job9999 (past every page).
  const pages: Array<{ after: string | null; index: number }> = [];
  let changed = false;
  const send: FetchLike = async (url, init) => {
    const response = await fetch(url, init);
    if (!url.pathname.endsWith('/tasks')) return response;
    const body = await response.text();
    pages.push({ after: url.searchParams.get('after'), index: (JSON.parse(body) as DesiredTasks).index });
    if (!changed) {
      changed = true;
      const next = [...names(60).slice(1), 'job9999'];
      t.is((await m.client.sync.apply('s', commit('c2', next.map((n) => job(n, 'h1'))))).state, 'APPLIED');
    }
    return { ok: response.ok, status: response.status, text: async () => body };
  };
  const client = createClient({ baseUrl: m.url, fetch: send });
  const desired = await fetchDesired(client, 'h1', 0, 0, { agentId: 'a1', clusterId: null, signal: new AbortController().signal });

  t.deepEqual(desired.tasks.map((task) => task.jobId.split(':')[0]), [...names(60).slice(1), 'job9999']);
  t.is(desired.next, undefined);
  const last = pages.at(-1)!.index;
  t.is(desired.index, last);
  t.true(pages[0].index < last, 'the first page was of the older set');
  t.is(pages[1].index, last, 'the second page saw the newer index...');
  t.is(pages[2].after, null, '...and the reading started again from the first page');
  t.true(pages.slice(2).every((p) => p.index === last));
  t.true(pages.length > 4, `${pages.length} pages`);
});
