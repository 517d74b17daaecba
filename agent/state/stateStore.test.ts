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
