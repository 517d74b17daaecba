/**
 * The syncer's git sources against real git: a token-protected smart-HTTP server (git http-backend)
 * and local repositories made with the git CLI; and the ref watcher on a real commit.
 */
import test from 'ava';
import { readdir, readFile } from 'node:fs/promises';
import { commitFiles, git, gitRepo, startGitServer } from './harness/gitServer.js';
import { tempDir, waitFor } from './harness/processes.js';
import { openLocalRepo } from '../syncer/repo/localRepo.js';
import { openRemoteRepo } from '../syncer/repo/remoteRepo.js';
import { watchRefs } from '../syncer/triggers/watchRefs.js';

async function fixture(t: { teardown(fn: () => Promise<void>): void }, token?: string) {
  const root = await tempDir('syncer-git-');
  const cache = await tempDir('syncer-cache-');
  t.teardown(root.cleanup);
  t.teardown(cache.cleanup);
  const server = await startGitServer({ root: root.path, token });
  t.teardown(server.close);
  const repo = await gitRepo(root.path, { 'jobs/web.yaml': 'name: web\n' });
  return { url: `${server.url}/${repo.name}.git`, repo, cacheDir: cache.path };
}

test('a token-protected HTTP remote is fetched with HELIOS_GIT_TOKEN and refused without it', async (t) => {
  const f = await fixture(t, 'tok-123');
  const anonymous = await openRemoteRepo({ url: f.url, branch: 'main', cacheDir: `${f.cacheDir}/a` });
  await t.throwsAsync(anonymous.resolveCommit(), { message: /authentication failed \(set HELIOS_GIT_TOKEN\)/ });
  const wrong = await openRemoteRepo({ url: f.url, branch: 'main', cacheDir: `${f.cacheDir}/w`, token: 'nope' });
  await t.throwsAsync(wrong.resolveCommit(), { message: /authentication failed: the server refused HELIOS_GIT_TOKEN/ });

  const source = await openRemoteRepo({ url: f.url, branch: 'main', cacheDir: `${f.cacheDir}/b`, token: 'tok-123' });
  t.is(await source.resolveCommit(), f.repo.head);
  const tree = await source.readTree(await source.readCommitTree(f.repo.head));
  t.deepEqual(tree.map((e) => e.path), ['jobs']);

  const next = await commitFiles(f.repo.work, { 'jobs/api.yaml': 'name: api\n' });
  t.is(await source.resolveCommit(), next, 'a new commit is fetched into the cache');
  t.is(await source.resolveCommit(), next, 'and a second look does not need to fetch again');
});

test('a remote is fetched shallow: the cache holds the branch\'s last commit, not its history, and starts afresh past 16 packs', async (t) => {
  const f = await fixture(t);
  const source = await openRemoteRepo({ url: f.url, branch: 'main', cacheDir: f.cacheDir });
  const packs = async () => (await readdir(`${f.cacheDir}/objects/pack`)).filter((p) => p.endsWith('.pack')).length;
  let head = await source.resolveCommit();
  const counts: number[] = [];
  for (let i = 0; i < 20; i++) {
    head = await commitFiles(f.repo.work, { [`jobs/f${i}.yaml`]: `name: f${i}\n` });
    t.is(await source.resolveCommit(), head);
    await source.refresh();
    const jobs = (await source.readTree(await source.readCommitTree(head))).find((e) => e.path === 'jobs')!;
    t.is((await source.readTree(jobs.oid)).length, i + 2, 'every file of the commit is there');
    counts.push(await packs());
  }
  t.true(Math.max(...counts) <= 16, `packs after each fetch: ${counts.join(' ')}`);
  t.true(counts.some((n, i) => i > 0 && n < counts[i - 1]), `the cache was started afresh: ${counts.join(' ')}`);
  // Shallow, and renewed: the first commit fetched is gone, and the last one is a shallow root.
  await t.throwsAsync(git(['cat-file', '-e', f.repo.head], f.cacheDir));
  t.true((await readFile(`${f.cacheDir}/shallow`, 'utf8')).split('\n').includes(head));
});

test('a commit holding an object over --max-git-object-bytes (anywhere in the tree) fails its fetch naming it, before it is inflated; the next commit without it is fetched', async (t) => {
  const f = await fixture(t);
  const source = await openRemoteRepo({ url: f.url, branch: 'main', cacheDir: f.cacheDir, maxObjectBytes: 1024 * 1024, retries: 2 });
  t.is(await source.resolveCommit(), f.repo.head);
  const tried: string[] = [];
  const retrying = await openRemoteRepo({ url: f.url, branch: 'main', cacheDir: `${f.cacheDir}-2`, maxObjectBytes: 1024 * 1024, retries: 2, onRetry: (what) => tried.push(what) });
  await commitFiles(f.repo.work, { 'assets/big.bin': 'y'.repeat(3 * 1024 * 1024) });
  for (const repo of [source, retrying]) {
    await t.throwsAsync(repo.resolveCommit(), {
      message: /^cannot fetch http:\/\/127\.0\.0\.1:\d+\/repo\d+\.git: the commit holds a git blob of 3145728 bytes, over the 1048576-byte limit for one object \(--max-git-object-bytes\)/,
    });
  }
  t.deepEqual(tried, [], 'not retried: the same commit would send it again');
  await git(['rm', '-q', 'assets/big.bin'], f.repo.work);
  const next = await commitFiles(f.repo.work, { 'jobs/api.yaml': 'name: api\n' });
  t.is(await source.resolveCommit(), next);
});

test('credentials in the remote URL are not shown', async (t) => {
  const f = await fixture(t, 'tok-9');
  const source = await openRemoteRepo({ url: f.url.replace('http://', 'http://tok-9@'), branch: 'main', cacheDir: f.cacheDir });
  t.is(source.display, f.url);
  t.is(await source.resolveCommit(), f.repo.head);
});

test('a missing branch is a clear error, for remotes and local repos', async (t) => {
  const f = await fixture(t);
  const remote = await openRemoteRepo({ url: f.url, branch: 'release', cacheDir: f.cacheDir });
  await t.throwsAsync(remote.resolveCommit(), { message: /branch release not found/ });
  const local = await openLocalRepo({ dir: f.repo.bare, branch: 'release' });
  await t.throwsAsync(local.resolveCommit(), { message: /branch release not found/ });
});

test('local repositories are read in place: a working copy and a bare repo', async (t) => {
  const f = await fixture(t);
  const work = await openLocalRepo({ dir: f.repo.work, branch: 'main' });
  const bare = await openLocalRepo({ dir: f.repo.bare, branch: 'main' });
  t.is(await work.resolveCommit(), f.repo.head);
  t.is(await bare.resolveCommit(), f.repo.head);
  t.is(bare.gitdir, f.repo.bare);
  await t.throwsAsync(openLocalRepo({ dir: f.cacheDir, branch: 'main' }), { message: /is not a git repository/ });
});

test('packed refs are read too (after git gc / pack-refs)', async (t) => {
  const f = await fixture(t);
  await git(['pack-refs', '--all'], f.repo.bare);
  await git(['gc', '--quiet'], f.repo.bare);
  const bare = await openLocalRepo({ dir: f.repo.bare, branch: 'main' });
  await bare.refresh();
  const head = await bare.resolveCommit();
  t.is(head, f.repo.head);
  t.is((await bare.readTree(await bare.readCommitTree(head)))[0].path, 'jobs');
});

test('the ref watcher fires on a commit in a working copy and on a push to a bare repo', async (t) => {
  const f = await fixture(t);
  let workEvents = 0;
  let bareEvents = 0;
  const w1 = await watchRefs(`${f.repo.work}/.git`, () => workEvents++, { branch: 'main' });
  const w2 = await watchRefs(f.repo.bare, () => bareEvents++, { branch: 'main' });
  t.teardown(w1.close);
  t.teardown(w2.close);
  await git(['status'], f.repo.work); // touches the index, not a ref: no event
  t.is(workEvents, 0);
  await commitFiles(f.repo.work, { 'jobs/x.yaml': 'x' });
  await waitFor(() => workEvents > 0 && bareEvents > 0, { timeoutMs: 20_000, message: 'ref change events' });
  t.pass();
});

test('the ref watcher still fires after git gc packed the refs of a branch with a slash', async (t) => {
  const root = await tempDir('syncer-gc-');
  t.teardown(root.cleanup);
  const repo = await gitRepo(root.path, { 'jobs/web.yaml': 'name: web\n' }, { branch: 'feature/x' });
  let events = 0;
  const watcher = await watchRefs(`${repo.work}/.git`, () => events++, { branch: 'feature/x', pollMs: 200 });
  t.teardown(watcher.close);
  // gc removes and re-creates refs/heads/feature/, which inotify stops reporting.
  await git(['gc', '--quiet'], repo.work);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const before = events;
  await commitFiles(repo.work, { 'jobs/api.yaml': 'name: api\n' });
  await waitFor(() => events > before, { timeoutMs: 20_000, message: 'an event for the commit after gc' });
  t.true(events > before);
});

test('a linked worktree is read through the repository it belongs to', async (t) => {
  const f = await fixture(t);
  const worktree = `${f.cacheDir}/wt`;
  await git(['worktree', 'add', '--quiet', '-b', 'deploy', worktree], f.repo.work);
  const next = await commitFiles(worktree, { 'jobs/wt.yaml': 'name: wt\n' });
  const source = await openLocalRepo({ dir: worktree, branch: 'deploy' });
  t.is(source.gitdir, `${f.repo.work}/.git`);
  await source.refresh();
  t.is(await source.resolveCommit(), next);
  t.deepEqual((await source.readTree(await source.readCommitTree(next))).map((e) => e.path), ['jobs']);
});
