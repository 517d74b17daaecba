import test from 'ava';
import { readFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import { commitFiles, git, gitRepo, removeFiles, startGitServer } from './gitServer.js';
import { tempDir } from './processes.js';

test('git clone over HTTP gets the committed files, and later commits arrive by fetch', async (t) => {
  const root = await tempDir('gitsrv-');
  t.teardown(root.cleanup);
  const server = await startGitServer({ root: root.path });
  t.teardown(server.close);
  const repo = await gitRepo(root.path, { 'jobs/web.yaml': 'name: web\n', 'README.md': 'hello\n' }, { name: 'ops' });

  const clone = join(root.path, 'clone');
  await git(['clone', '--quiet', `${server.url}/ops.git`, clone], root.path);
  t.is(await readFile(join(clone, 'jobs/web.yaml'), 'utf8'), 'name: web\n');
  t.is(await readFile(join(clone, 'README.md'), 'utf8'), 'hello\n');
  t.is(await git(['rev-parse', 'HEAD'], clone), repo.head);

  await commitFiles(repo.work, { 'jobs/db.yaml': 'name: db\n' }, 'add db');
  const head = await removeFiles(repo.work, ['README.md'], 'drop readme');
  await git(['pull', '--quiet', '--ff-only'], clone);
  t.is(await git(['rev-parse', 'HEAD'], clone), head);
  t.is(await readFile(join(clone, 'jobs/db.yaml'), 'utf8'), 'name: db\n');
  await t.throwsAsync(access(join(clone, 'README.md')));
});

test('a private repository answers 401 to a wrong token and serves the right one', async (t) => {
  const root = await tempDir('gitsrv-');
  t.teardown(root.cleanup);
  const server = await startGitServer({ root: root.path, token: 's3cret' });
  t.teardown(server.close);
  await gitRepo(root.path, { 'a.txt': 'a\n' }, { name: 'private' });
  const refs = `${server.url}/private.git/info/refs?service=git-upload-pack`;

  t.is((await fetch(refs)).status, 401);
  t.is((await fetch(refs, { headers: { authorization: 'Bearer wrong' } })).status, 401);
  t.is((await fetch(refs, { headers: { authorization: `Basic ${Buffer.from('x:wrong').toString('base64')}` } })).status, 401);
  t.is((await fetch(refs, { headers: { authorization: 'Bearer s3cret' } })).status, 200);

  const bad = git(['clone', '--quiet', `http://x:wrong@${server.url.slice('http://'.length)}/private.git`, join(root.path, 'bad')], root.path);
  await t.throwsAsync(bad, { message: /401|Authentication failed/ });
  const good = join(root.path, 'good');
  await git(['-c', 'http.extraHeader=Authorization: Bearer s3cret', 'clone', '--quiet', `${server.url}/private.git`, good], root.path);
  t.is(await readFile(join(good, 'a.txt'), 'utf8'), 'a\n');
});

test('pushes over HTTP work when allowed', async (t) => {
  const root = await tempDir('gitsrv-');
  t.teardown(root.cleanup);
  const server = await startGitServer({ root: root.path, allowPush: true });
  t.teardown(server.close);
  const repo = await gitRepo(root.path, { 'a.txt': 'a\n' });
  const clone = join(root.path, 'clone');
  await git(['clone', '--quiet', `${server.url}/${repo.name}.git`, clone], root.path);
  const head = await commitFiles(clone, { 'b.txt': 'b\n' }, 'add b over http');
  t.is(await git(['rev-parse', repo.branch], repo.bare), head);
});
