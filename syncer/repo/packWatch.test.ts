import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GitObjectTooLargeError, watchPack } from './packWatch.js';

const run = promisify(execFile);
const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };

/** A real pack of one commit (git pack-objects), as upload-pack sends it: NAK, then band 1 in side-band-64k lines. */
async function uploadPackAnswer(files: Record<string, Buffer | string>): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'packwatch-'));
  try {
    await run('git', ['init', '-q'], { cwd: dir, env });
    for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
    await run('git', ['add', '.'], { cwd: dir, env });
    await run('git', ['commit', '-qm', 'x'], { cwd: dir, env });
    const pack = await new Promise<Buffer>((resolve, reject) => {
      const child = execFile('git', ['pack-objects', '--stdout', '--revs', '-q'], { cwd: dir, env, encoding: 'buffer', maxBuffer: 1 << 28 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
      child.stdin!.end('HEAD\n');
    });
    const lines: Buffer[] = [Buffer.from('0008NAK\n')];
    for (let i = 0; i < pack.length; i += 65_515) {
      const data = pack.subarray(i, i + 65_515);
      lines.push(Buffer.from((data.length + 5).toString(16).padStart(4, '0')), Buffer.from([1]), data);
    }
    lines.push(Buffer.from('0000'));
    return Buffer.concat(lines);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function* chunked(bytes: Buffer, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function drain(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const out: Uint8Array[] = [];
  for await (const chunk of body) out.push(chunk);
  return Buffer.concat(out);
}

const files = {
  'web.yaml': 'name: web\nversion: "1"\nimage: busybox:latest\n',
  'empty.txt': '',
  'big.bin': Buffer.alloc(5 * 1024 * 1024, 'y'),
  'noise.bin': Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251)),
};

test('a pack within the limit passes through byte for byte, however it is cut', async (t) => {
  const answer = await uploadPackAnswer(files);
  for (const size of [1, 7, 4096, 65_536, answer.length]) {
    t.deepEqual(await drain(watchPack(chunked(answer, size), 6 * 1024 * 1024, '--max-git-object-bytes')), answer, `chunks of ${size}`);
  }
});

test('an object over the limit fails the answer from its header, naming its size and the flag', async (t) => {
  const answer = await uploadPackAnswer(files);
  for (const size of [13, 65_536]) {
    const err = await t.throwsAsync(drain(watchPack(chunked(answer, size), 1024 * 1024, '--max-git-object-bytes')), { instanceOf: GitObjectTooLargeError });
    t.is(err?.message, 'the commit holds a git blob of 5242880 bytes, over the 1048576-byte limit for one object (--max-git-object-bytes); keep large files out of the repository the syncer follows');
  }
});

test('an object over the limit after 300 others is found: each one before it was read to its end', async (t) => {
  const many = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`f${String(i).padStart(3, '0')}.yaml`, `n: ${i}\n${'x'.repeat(i * 37)}\n`]));
  // Last in the tree, so last of the blobs in the pack.
  const answer = await uploadPackAnswer({ ...many, 'zzz.bin': Buffer.alloc(2 * 1024 * 1024, 'z') });
  const err = await t.throwsAsync(drain(watchPack(chunked(answer, 1000), 1024 * 1024, '--max-git-object-bytes')), { instanceOf: GitObjectTooLargeError });
  t.regex(err!.message, /git blob of 2097152 bytes/);
});

test('a 256 MB blob (about 256 KB in git) is refused before its bytes are inflated', async (t) => {
  const answer = await uploadPackAnswer({ 'huge.bin': Buffer.alloc(256 * 1024 * 1024, 'y') });
  t.true(answer.length < 1024 * 1024);
  const before = process.memoryUsage().rss;
  const err = await t.throwsAsync(drain(watchPack(chunked(answer, 65_536), 64 * 1024 * 1024, '--max-git-object-bytes')), { instanceOf: GitObjectTooLargeError });
  t.regex(err!.message, /git blob of 268435456 bytes/);
  t.true(process.memoryUsage().rss - before < 64 * 1024 * 1024, 'nothing near its size was held');
});
