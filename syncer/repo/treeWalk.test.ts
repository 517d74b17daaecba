import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openLocalRepo } from './localRepo.js';
import { diffTree, type TreeEntry } from './treeWalk.js';

/** A local repo made with the git CLI; `commit` writes (string) or deletes (null) files and commits. */
function localRepo(t: { teardown(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'syncer-walk-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 't@example.com');
  git('config', 'user.name', 'test');
  return {
    dir,
    commit(files: Record<string, string | null>): string {
      for (const [path, text] of Object.entries(files)) {
        if (text === null) git('rm', '-q', '-r', path);
        else {
          mkdirSync(dirname(join(dir, path)), { recursive: true });
          writeFileSync(join(dir, path), text);
          git('add', path);
        }
      }
      git('commit', '-q', '--allow-empty', '-m', 'change');
      return git('rev-parse', 'HEAD');
    },
  };
}

async function treeOf(dir: string, commit: string, reads: string[]) {
  const source = await openLocalRepo({ dir, branch: 'main' });
  const root = await source.readCommitTree(commit);
  const jobs = (await source.readTree(root)).find((e) => e.path === 'jobs')?.oid;
  const readTree = async (oid: string): Promise<TreeEntry[]> => {
    reads.push(oid);
    return source.readTree(oid);
  };
  return { jobs, readTree };
}

test('the first walk reports every file as changed; the next only what differs, reading only trees on the changed path', async (t) => {
  const repo = localRepo(t);
  const files: Record<string, string> = { 'jobs/b.yaml': 'b', 'jobs/team/x.yaml': 'x', 'jobs/team/deep/y.yml': 'y' };
  for (let i = 0; i < 50; i++) files[`jobs/many/f${i}.yaml`] = `f${i}`;
  const c1 = repo.commit(files);
  const reads: string[] = [];
  const first = await treeOf(repo.dir, c1, reads);
  const d1 = await diffTree(first.readTree, 'jobs/', first.jobs, undefined);
  t.is(d1.changed.length, 53);
  t.deepEqual(d1.removed, []);
  t.is(reads.length, 4); // jobs, team, team/deep, many

  const c2 = repo.commit({ 'jobs/team/deep/y.yml': 'y2', 'jobs/b.yaml': null, 'jobs/new.json': '{}' });
  reads.length = 0;
  const second = await treeOf(repo.dir, c2, reads);
  const d2 = await diffTree(second.readTree, 'jobs/', second.jobs, d1.node);
  t.deepEqual(d2.changed.map((c) => c.path).sort(), ['jobs/new.json', 'jobs/team/deep/y.yml']);
  t.deepEqual(d2.removed, ['jobs/b.yaml']);
  t.is(reads.length, 3, 'jobs, team and team/deep are read; many/ (50 files) is skipped by oid');
});

test('an unchanged folder costs no tree read at all', async (t) => {
  const repo = localRepo(t);
  const c1 = repo.commit({ 'jobs/a.yaml': 'a', 'README.md': 'r' });
  const reads: string[] = [];
  const first = await treeOf(repo.dir, c1, reads);
  const d1 = await diffTree(first.readTree, 'jobs/', first.jobs, undefined);
  const c2 = repo.commit({ 'README.md': 'changed outside jobs/' });
  reads.length = 0;
  const second = await treeOf(repo.dir, c2, reads);
  const d2 = await diffTree(second.readTree, 'jobs/', second.jobs, d1.node);
  t.deepEqual([d2.changed, d2.removed, reads.length], [[], [], 0]);
  t.is(d2.node, d1.node);
});

test('a folder replaced by a file and a removed subtree are reported as removed files', async (t) => {
  const repo = localRepo(t);
  const c1 = repo.commit({ 'jobs/x/a.yaml': 'a', 'jobs/x/b.yaml': 'b', 'jobs/y/c.yaml': 'c' });
  const first = await treeOf(repo.dir, c1, []);
  const d1 = await diffTree(first.readTree, 'jobs/', first.jobs, undefined);
  repo.commit({ 'jobs/x': null });
  const c3 = repo.commit({ 'jobs/x': 'now a file', 'jobs/y': null, 'jobs/z.yaml': 'z' });
  const third = await treeOf(repo.dir, c3, []);
  const d3 = await diffTree(third.readTree, 'jobs/', third.jobs, d1.node);
  t.deepEqual(d3.removed.sort(), ['jobs/x/a.yaml', 'jobs/x/b.yaml', 'jobs/y/c.yaml']);
  t.deepEqual(d3.changed.map((c) => c.path).sort(), ['jobs/x', 'jobs/z.yaml']);
});

test('a missing folder removes every file of the previous snapshot', async (t) => {
  const repo = localRepo(t);
  const c1 = repo.commit({ 'jobs/a.yaml': 'a', 'jobs/sub/b.yaml': 'b' });
  const first = await treeOf(repo.dir, c1, []);
  const d1 = await diffTree(first.readTree, 'jobs/', first.jobs, undefined);
  const d2 = await diffTree(first.readTree, 'jobs/', undefined, d1.node);
  t.deepEqual(d2.removed.sort(), ['jobs/a.yaml', 'jobs/sub/b.yaml']);
  t.is(d2.node, undefined);
});
