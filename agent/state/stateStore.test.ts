import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { openStateStore } from './stateStore.js';

test('state is persisted atomically and read back, with a stable agent id', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'helios-state-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const store = await openStateStore(dir);
  const id = store.get().agentId;
  await store.update((s) => ({ ...s, index: 7, ports: { 'a:1:x': { http: 20001 } } }));
  t.deepEqual(await readdir(dir), ['state.json'], 'no temp file left behind');
  const again = await openStateStore(dir);
  t.is(again.get().agentId, id);
  t.is(again.get().index, 7);
  t.deepEqual(again.get().ports, { 'a:1:x': { http: 20001 } });
  t.is(JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')).index, 7);
});

test('a corrupt state file is reported and replaced by a fresh state', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'helios-state-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'state.json'), '{"index": 3, "tas');
  const problems: unknown[] = [];
  const store = await openStateStore(dir, (err) => problems.push(err));
  t.is(problems.length, 1);
  t.deepEqual(store.get().tasks, []);
});

test('changes made while a write is under way share the next write, and every change reaches the file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'helios-state-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const store = await openStateStore(dir);
  const before = store.writes();
  const done = Array.from({ length: 50 }, (_, i) =>
    store.update((s) => ({ ...s, index: i + 1, ports: { ...s.ports, [`job-${i}`]: { http: 20000 + i } } })));
  t.is(store.get().index, 50, 'get() sees every change at once');
  await Promise.all(done);
  t.true(store.writes() - before <= 2, `${store.writes() - before} writes for 50 changes`);
  const again = await openStateStore(dir);
  t.is(again.get().index, 50);
  t.is(Object.keys(again.get().ports).length, 50);
});

const task = (jobId: string) => ({ jobId, goal: 'START', job: { id: jobId, name: 'web', version: '1', image: 'busybox:latest', command: [], env: {}, ports: {}, registration: {}, volumes: {} } });

test('a state file that parses but breaks the schema anywhere starts at index 0 with no tasks, keeping the agent and cluster ids', async (t) => {
  const broken = {
    'tasks not a list': { tasks: { a: 1 } },
    'a task without its job': { tasks: [{ jobId: 'web:1:x', goal: 'START' }] },
    'a task with an unknown goal': { tasks: [{ ...task('web:1:x'), goal: 'RUN' }] },
    'a port that is a word': { ports: { 'web:1:x': { http: 'eighty' } } },
    'a negative index': { index: -4 },
  };
  for (const [what, change] of Object.entries(broken)) {
    const dir = await mkdtemp(join(tmpdir(), 'helios-state-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const sound = { agentId: 'agent-7', clusterId: 'c-1', index: 57, tasks: [task('api:1:y')], ports: {} };
    await writeFile(join(dir, 'state.json'), JSON.stringify({ ...sound, ...change }));
    const problems: unknown[] = [];
    const store = await openStateStore(dir, (err) => problems.push(err));
    t.is(problems.length, 1, what);
    t.regex(String(problems[0]), /state\.json: \/(tasks|ports|index)/, what);
    t.like(store.get(), { agentId: 'agent-7', clusterId: 'c-1', index: 0, tasks: [], ports: {} }, what);
  }
});

test('a broken agent id, cluster id or top level also starts at index 0 with no tasks: a broken id is made anew, a broken cluster forgotten', async (t) => {
  const sound = { agentId: 'agent-7', clusterId: 'c-1', index: 57, tasks: [task('api:1:y')], ports: {} };
  const broken: Array<[string, unknown, { agentId?: string; clusterId: string | null }]> = [
    ['an agent id that is a number', { ...sound, agentId: 7 }, { clusterId: 'c-1' }],
    ['an empty agent id', { ...sound, agentId: '' }, { clusterId: 'c-1' }],
    ['a cluster id that is a number', { ...sound, clusterId: 1 }, { agentId: 'agent-7', clusterId: null }],
    ['a list at the top', [sound], { clusterId: null }],
    ['null at the top', null, { clusterId: null }],
    ['a string at the top', 'state', { clusterId: null }],
  ];
  for (const [what, content, kept] of broken) {
    const dir = await mkdtemp(join(tmpdir(), 'helios-state-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'state.json'), JSON.stringify(content));
    const problems: unknown[] = [];
    const store = await openStateStore(dir, (err) => problems.push(err));
    t.is(problems.length, 1, what);
    t.like(store.get(), { index: 0, tasks: [], ports: {}, ...kept }, what);
    if (kept.agentId === undefined) t.regex(store.get().agentId, /^[0-9a-f-]{36}$/, `${what}: a new agent id`);
  }
});

test('a state file of an older agent (no cluster id) is read whole, with no cluster recorded', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'helios-state-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'state.json'), JSON.stringify({ agentId: 'agent-7', index: 57, tasks: [task('api:1:y')], ports: { 'api:1:y': { http: 20001 } } }));
  const problems: unknown[] = [];
  const store = await openStateStore(dir, (err) => problems.push(err));
  t.deepEqual(problems, []);
  t.like(store.get(), { agentId: 'agent-7', clusterId: null, index: 57 });
  t.is(store.get().tasks.length, 1);
  await store.update((s) => ({ ...s, clusterId: 'c-2' }));
  t.is((await openStateStore(dir)).get().clusterId, 'c-2');
});

test('the state file is 0600 and a state dir the agent creates 0700: it holds every job\'s env', async (t) => {
  const parent = await mkdtemp(join(tmpdir(), 'helios-state-'));
  t.teardown(() => rm(parent, { recursive: true, force: true }));
  const dir = join(parent, 'home', 'agent-1');
  await openStateStore(dir);
  const mode = async (path: string) => (await stat(path)).mode & 0o777;
  t.is(await mode(dir), 0o700);
  t.is(await mode(join(parent, 'home')), 0o700);
  t.is(await mode(join(dir, 'state.json')), 0o600);

  // A file an older agent wrote with the umask (0644) is 0600 from its next write on.
  await chmod(join(dir, 'state.json'), 0o644);
  const again = await openStateStore(dir);
  await again.update((s) => ({ ...s, index: 3 }));
  t.is(await mode(join(dir, 'state.json')), 0o600);
});
