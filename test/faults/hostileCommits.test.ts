/**
 * Hostile commits (issue 14; review F8-F10, F13, F14): one real syncer over real git HTTP and a real
 * master. After a good commit, each hostile file is committed in turn next to a valid change to the
 * good job, and then taken out again. Deep JSON, YAML alias fan-out, a 50 MB file, a symlink, a
 * submodule and a kill wait that would overflow Node's timers each refuse the commit whole with a
 * per-file error at file:line in the source's status, naming the path, field or flag; an `expires` in
 * the past applies the commit with that job absent and a warning. Never "cannot reach the master", and
 * the last good commit stays applied: its jobs and deployments exactly as they were.
 */
import test from 'ava';
import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileError } from '../../core/index.js';
import { gitops, jobFile, jobIdOf, type GitopsFixture } from '../gitopsHelpers.js';
import { git } from '../harness/gitServer.js';

const head = 'name: hostile\nversion: "1"\nimage: busybox:latest\n';

/** What the master holds: every job and where each is deployed (the deployments of the last good commit). */
async function fleet(g: GitopsFixture) {
  const jobs = await g.master.client.jobs.list();
  const statuses = await g.master.client.jobs.statuses(Object.keys(jobs));
  return { jobs, deployments: Object.fromEntries(Object.entries(statuses).map(([id, s]) => [id, s.deployments])) };
}

interface Hostile {
  what: string;
  /** Puts the hostile entry in the working clone and stages it (the commit is made by the test). */
  stage(work: string): Promise<void>;
  path: string;
  /** The refusal expected at `path`, or undefined for a commit that must apply (with `warning`). */
  error?: { line: number; message: RegExp };
  warning?: FileError;
}

const writeStaged = (path: string, content: string | Buffer) => async (work: string) => {
  await writeFile(join(work, path), content);
  await git(['add', '--', path], work);
};

const hostile: Hostile[] = [
  {
    what: 'JSON nested 7,000 levels deep',
    path: 'jobs/deep.json',
    stage: writeStaged('jobs/deep.json', `{\n  "name": "deep",\n  "version": "1",\n  "image": "busybox:latest",\n  "metadata":\n${'{"a":'.repeat(7000)}1${'}'.repeat(7000)}\n}\n`),
    error: { line: 6, message: /^nested more than 32 levels deep/ },
  },
  {
    what: 'a 600 KB YAML anchor with 99 aliases (60 MB expanded)',
    path: 'jobs/fan.yaml',
    stage: writeStaged('jobs/fan.yaml', `${head}env:\n  A: &big "${'x'.repeat(600_000)}"\n${Array.from({ length: 99 }, (_, i) => `  B${i}: *big\n`).join('')}`),
    error: { line: 6, message: /once its YAML aliases are expanded \(\*big alone is 600002\): over the limit for a job file \(--max-file-bytes\)$/ },
  },
  {
    what: 'a 50 MB file',
    path: 'jobs/big.yaml',
    stage: writeStaged('jobs/big.yaml', Buffer.concat([Buffer.from(`${head}env:\n  BIG: "`), Buffer.alloc(50 * 1024 * 1024, 'y'), Buffer.from('"\n')])),
    error: { line: 1, message: /^file is 524\d{5} bytes, over the 1048576-byte limit for a job file \(--max-file-bytes\)$/ },
  },
  {
    what: 'a symlink under jobs/',
    path: 'jobs/linked.yaml',
    async stage(work) {
      await symlink('../templates/web.yaml', join(work, 'jobs/linked.yaml'));
      await git(['add', '--', 'jobs/linked.yaml'], work);
    },
    error: { line: 1, message: /^symlinks are not supported: jobs\/linked\.yaml is a symlink to \.\.\/templates\/web\.yaml;/ },
  },
  {
    what: 'a submodule under jobs/',
    path: 'jobs/team-b',
    // A gitlink as `git submodule add` records it; the commit it points at need not be fetchable.
    stage: (work) => git(['update-index', '--add', '--cacheinfo', `160000,${'c0ffee'.repeat(6)}c0ff,jobs/team-b`], work).then(() => undefined),
    error: { line: 1, message: /^submodules are not supported: jobs\/team-b is a submodule \(commit c0ffeec0ffee\);/ },
  },
  {
    what: 'secondsToWaitBeforeKill: 3000000000 (past what a Node timer holds)',
    path: 'jobs/slow.yaml',
    stage: writeStaged('jobs/slow.yaml', `${head}secondsToWaitBeforeKill: 3000000000\n`),
    error: { line: 4, message: /^secondsToWaitBeforeKill: must be at most 86400 seconds \(1 day\)/ },
  },
  {
    what: 'an expires in the past',
    path: 'jobs/old.yaml',
    stage: writeStaged('jobs/old.yaml', `${head}expires: "2000-01-01T00:00:00Z"\ndeploy:\n  hosts: ["h1"]\n`),
    warning: { file: 'jobs/old.yaml', line: 4, message: 'expired at 2000-01-01T00:00:00.000Z, not deployed' },
  },
];

test('hostile commits are refused file by file at their line (an expired job left out with a warning); the last good commit stays applied', async (t) => {
  // The reaper would remove an expired job on its own: an hour leaves it to the sync.
  const g = await gitops(t, { master: { reaperIntervalMs: 3_600_000 } });
  const syncer = await g.startSyncer();
  const name = g.config().name;
  const good = { 'jobs/web.yaml': jobFile('web', { hosts: ['h1', 'h2'] }), 'jobs/api.yaml': jobFile('api', { hosts: ['h1'], goal: 'STOP' }) };
  let goodCommit = await g.commit(good);
  t.is((await syncer.reactor.next()).result.state, 'APPLIED');
  const applied = await fleet(g);
  t.deepEqual(Object.keys(applied.jobs).sort(), Object.entries(good).map(([file, text]) => jobIdOf(file, text)).sort());
  // A valid change beside each hostile file: the commit must be refused whole, not file by file.
  const changedWeb = jobFile('web', { hosts: ['h1', 'h2'], env: { V: '2' } });

  for (const h of hostile) {
    await writeFile(join(g.repo.work, 'jobs/web.yaml'), changedWeb);
    await git(['add', '--', 'jobs/web.yaml'], g.repo.work);
    await h.stage(g.repo.work);
    await git(['commit', '--quiet', '-m', h.what], g.repo.work);
    await git(['push', '--quiet', 'origin', 'HEAD'], g.repo.work);
    const commit = await git(['rev-parse', 'HEAD'], g.repo.work);
    const { result } = await syncer.reactor.next();
    const status = await g.master.client.sync.source(name);

    if (h.error) {
      t.is(result.state, 'REFUSED', h.what);
      t.deepEqual(result.actions, [], h.what);
      t.is(result.errors.length, 1, `${h.what}: ${JSON.stringify(result.errors).slice(0, 500)}`);
      t.like(result.errors[0], { file: h.path, line: h.error.line }, h.what);
      t.regex(result.errors[0].message, h.error.message, h.what);
      t.like(status, { state: 'ERROR', lastAppliedCommit: goodCommit, lastAttemptedCommit: commit }, h.what);
      t.deepEqual(status.errors, result.errors, `${h.what}: the source's status names the file and line`);
      t.deepEqual(await fleet(g), applied, `${h.what}: the last good commit's jobs and deployments unchanged`);
    } else {
      t.is(result.state, 'APPLIED', h.what);
      t.deepEqual(result.warnings, [h.warning], h.what);
      t.like(status, { state: 'OK', lastAppliedCommit: commit, errors: [] }, h.what);
      t.deepEqual(status.warnings, [h.warning], `${h.what}: the source's status carries the warning`);
      const now = await fleet(g);
      t.false(Object.keys(now.jobs).some((id) => id.startsWith('hostile:')), `${h.what}: the expired job is absent`);
      const api = jobIdOf('jobs/api.yaml', good['jobs/api.yaml']);
      t.deepEqual(now.jobs[api], applied.jobs[api], `${h.what}: the untouched job unchanged`);
      t.truthy(now.jobs[jobIdOf('jobs/web.yaml', changedWeb)], `${h.what}: the valid change beside it applied`);
    }

    // Back to the good tree: applied (again), and nothing left of the hostile entry.
    await git(['rm', '--quiet', '-r', '--cached', '--', h.path], g.repo.work);
    await writeFile(join(g.repo.work, 'jobs/web.yaml'), good['jobs/web.yaml']);
    await git(['add', '--', 'jobs/web.yaml'], g.repo.work);
    await git(['commit', '--quiet', '-m', `revert: ${h.what}`], g.repo.work);
    await git(['push', '--quiet', 'origin', 'HEAD'], g.repo.work);
    goodCommit = await git(['rev-parse', 'HEAD'], g.repo.work);
    await git(['clean', '--quiet', '-fdx', '--', 'jobs'], g.repo.work);
    t.is((await syncer.reactor.next()).result.state, 'APPLIED', `${h.what}: reverted`);
    // The same job ids as the good commit (an expired case recreated web, so only the ids are compared).
    t.deepEqual(Object.keys((await fleet(g)).jobs).sort(), Object.keys(applied.jobs).sort(), `${h.what}: the good tree again`);
  }
  t.like(await g.master.client.sync.source(name), { state: 'OK', errors: [] });
  const unreachable = syncer.logs.filter((l) => JSON.stringify(l).includes('cannot reach the master'));
  t.deepEqual(unreachable, [], 'no error ever read "cannot reach the master"');
});
