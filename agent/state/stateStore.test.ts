import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
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
