import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { openPulledImages } from './pulledImages.js';

const dirFor = async (t: { teardown(f: () => Promise<void>): void }) => {
  const dir = await mkdtemp(join(tmpdir(), 'helios-pulled-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
};

test('pulls are recorded by image id, survive a reopen, and images gone are forgotten', async (t) => {
  const dir = await dirFor(t);
  const notCorrupt = (err: unknown) => t.fail(String(err));
  const pulled = await openPulledImages(dir, notCorrupt);
  await pulled.record('sha256:a', 'reg:5000/app:1', 10);
  await pulled.record('sha256:a', 'reg:5000/app:latest', 20);
  await pulled.record('sha256:a', 'reg:5000/app:1', 30);
  await pulled.record('sha256:b', 'reg:5000/app:2', 40);
  const again = await openPulledImages(dir, notCorrupt);
  t.deepEqual(again.get(), { 'sha256:a': { refs: ['reg:5000/app:1', 'reg:5000/app:latest'], pulledAt: 30 }, 'sha256:b': { refs: ['reg:5000/app:2'], pulledAt: 40 } });
  await again.forget(['sha256:a', 'sha256:unknown']);
  t.deepEqual(Object.keys((await openPulledImages(dir, notCorrupt)).get()), ['sha256:b']);
  t.is((await stat(join(dir, 'pulled-images.json'))).mode & 0o777, 0o600);
});

test('a broken record is reported and read as empty (its images are then kept), and written whole again', async (t) => {
  const dir = await dirFor(t);
  for (const text of ['{not json', JSON.stringify({ images: { x: { refs: 'one', pulledAt: 1 } } })]) {
    await writeFile(join(dir, 'pulled-images.json'), text);
    const errors: unknown[] = [];
    const pulled = await openPulledImages(dir, (err) => errors.push(err));
    t.is(errors.length, 1, text);
    t.deepEqual(pulled.get(), {});
    await pulled.record('sha256:c', 'reg:5000/app:3', 5);
    t.deepEqual(JSON.parse(await readFile(join(dir, 'pulled-images.json'), 'utf8')), { images: { 'sha256:c': { refs: ['reg:5000/app:3'], pulledAt: 5 } } });
  }
});
