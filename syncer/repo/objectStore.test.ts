import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { BlobTooLargeError } from '../errors.js';
import { createObjectStore } from './objectStore.js';

/** A repository made with the git CLI; `git(...)` runs in it. */
function repo(t: { teardown(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'syncer-objects-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, maxBuffer: 1 << 30 });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 't@example.com');
  git('config', 'user.name', 'test');
  return { dir, git, gitdir: join(dir, '.git') };
}

/** Every object of the repository, as `git cat-file --batch` gives it: oid → [type, content, delta base]. */
function allObjects(git: (...args: string[]) => Buffer): Map<string, [string, Buffer, string]> {
  const out = git('cat-file', '--batch-all-objects', '--batch=%(objectname) %(objecttype) %(objectsize) %(deltabase)');
  const objects = new Map<string, [string, Buffer, string]>();
  for (let i = 0; i < out.length;) {
    const eol = out.indexOf(10, i);
    const [oid, type, size, base] = out.toString('latin1', i, eol).split(' ');
    objects.set(oid, [type, out.subarray(eol + 1, eol + 1 + Number(size)), base]);
    i = eol + 1 + Number(size) + 1;
  }
  return objects;
}

/** Twenty commits of files that change a little each time: git's repack stores most as deltas. */
function history(r: ReturnType<typeof repo>) {
  const lines = Array.from({ length: 400 }, (_, i) => `line ${i}: ${'text '.repeat(i % 13)}`);
  for (let c = 0; c < 20; c++) {
    lines[c * 7] = `changed in commit ${c}`;
    for (let f = 0; f < 5; f++) writeFileSync(join(r.dir, `f${f}.txt`), `${f}\n${lines.join('\n')}`);
    r.git('add', '.');
    r.git('commit', '-q', '-m', `c${c}`);
  }
}

for (const [title, repack] of [
  ['loose objects', [] as string[]],
  ['a pack with offset deltas', ['repack', '-a', '-d', '-f', '--depth=50', '--window=50']],
  ['a pack with deltas by object id', ['-c', 'repack.useDeltaBaseOffset=false', 'repack', '-a', '-d', '-f', '--depth=50']],
] as const) {
  test(`every object of ${title} reads as git cat-file gives it`, async (t) => {
    const r = repo(t);
    history(r);
    if (repack.length > 0) r.git(...repack);
    const expected = allObjects(r.git);
    const store = createObjectStore(r.gitdir);
    t.teardown(() => store.close());
    const deltas = [...expected.values()].filter(([, , base]) => !/^0+$/.test(base)).length;
    t.is(deltas > 0, repack.length > 0, `${deltas} objects stored as deltas`);
    for (const [oid, [type, content]] of expected) {
      const object = await store.read(oid);
      t.is(object.type as string, type, oid);
      t.true(Buffer.from(object.data).equals(content), `${type} ${oid}`);
    }
    t.true(expected.size > 100);
  });
}

test('a 50 MB blob is refused by its header: sizes come from the first bytes, nothing near its size is inflated', async (t) => {
  const r = repo(t);
  writeFileSync(join(r.dir, 'big.yaml'), ' '.repeat(50_000_000));
  writeFileSync(join(r.dir, 'small.yaml'), 'name: web\n');
  r.git('add', '.');
  r.git('commit', '-q', '-m', 'big');
  const big = r.git('rev-parse', 'HEAD:big.yaml').toString().trim();
  // The same blob changed by a byte, stored as a delta of the first: its size is inside the delta.
  writeFileSync(join(r.dir, 'big.yaml'), `${' '.repeat(50_000_000)}x`);
  r.git('commit', '-q', '-am', 'big2');
  const delta = r.git('rev-parse', 'HEAD:big.yaml').toString().trim();
  const inflated: number[] = [];
  const original = zlib.inflateSync;
  const counting = (buffer: zlib.InputType, options?: zlib.ZlibOptions) => {
    const out = original(buffer, options);
    inflated.push(out.length);
    return out;
  };
  for (const stage of ['loose', 'packed']) {
    if (stage === 'packed') r.git('repack', '-a', '-d', '-f', '--depth=10');
    const store = createObjectStore(r.gitdir);
    zlib.inflateSync = counting as typeof zlib.inflateSync;
    try {
      for (const [oid, size] of [[big, 50_000_000], [delta, 50_000_001]] as const) {
        inflated.length = 0;
        const err = await t.throwsAsync(store.read(oid, 1024 * 1024), { instanceOf: BlobTooLargeError });
        t.is(err?.data.size, size, `${stage} ${oid}`);
        t.true(inflated.every((n) => n < 1024 * 1024), `${stage}: inflated ${inflated.join(', ')} bytes`);
      }
      t.is(Buffer.from((await store.read(r.git('rev-parse', 'HEAD:small.yaml').toString().trim(), 1024)).data).toString(), 'name: web\n');
    } finally {
      zlib.inflateSync = original;
      await store.close();
    }
  }
});

test('after a repack the same store finds objects in the new pack once refreshed', async (t) => {
  const r = repo(t);
  history(r);
  const store = createObjectStore(r.gitdir);
  t.teardown(() => store.close());
  const head = r.git('rev-parse', 'HEAD').toString().trim();
  t.is((await store.read(head)).type, 'commit');
  r.git('repack', '-a', '-d');
  r.git('prune-packed');
  store.refresh();
  t.is((await store.read(head)).type, 'commit');
  t.true(await store.has(head));
  t.false(await store.has('0'.repeat(40)));
});
