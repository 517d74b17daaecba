/**
 * A sync source is one repository, branch and path: two real syncers of two real repositories over
 * HTTP that default to the same source name do not prune each other; the second is refused, says why
 * and how to fix it, and does not retry in a loop.
 */
import test, { type ExecutionContext } from 'ava';
import { pino } from 'pino';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isHeliosError } from '../core/index.js';
import { parseOptions, type SyncerConfig } from '../syncer/options.js';
import { startSyncer } from '../syncer/sync.js';
import { commitFiles, gitRepo, startGitServer } from './harness/gitServer.js';
import { dumpDb, startTestMaster, type TestMaster } from './harness/master.js';
import { tempDir } from './harness/processes.js';
import { jobFile } from './gitopsHelpers.js';

async function twoTeams(t: ExecutionContext) {
  const root = await tempDir('gitops-sources-');
  t.teardown(root.cleanup);
  const server = await startGitServer({ root: root.path });
  t.teardown(server.close);
  const master = await startTestMaster();
  t.teardown(master.close);
  // team-a/apps and team-b/apps: both default to the source name "apps" (finding F6).
  const a = await gitRepo(root.path, { 'jobs/web-a.yaml': jobFile('web-a', { hosts: ['h1'] }), 'jobs/api-a.yaml': jobFile('api-a', { hosts: ['h1'] }) }, { name: 'team-a/apps' });
  const b = await gitRepo(root.path, { 'jobs/web-b.yaml': jobFile('web-b', { hosts: ['h1'] }) }, { name: 'team-b/apps' });
  const secretFile = join(root.path, 'secret');
  writeFileSync(secretFile, 'hook-secret');
  let caches = 0;
  const syncer = async (repo: string, args: string[] = []) => {
    const logs: Record<string, unknown>[] = [];
    const log = pino({ level: 'debug' }, { write: (line: string) => { logs.push(JSON.parse(line) as Record<string, unknown>); } });
    const config = parseOptions(['--master', master.url, '--repo', `${server.url}/${repo}.git`, '--interval', '1h',
      '--cache-dir', join(root.path, `cache-${++caches}`), ...args]) as SyncerConfig;
    const started = await startSyncer(config, log);
    t.teardown(started.stop);
    const pass = () => started.reactor.next().catch((err: unknown) => err);
    return Object.assign(started, { logs, config, pass });
  };
  return { master, a, b, syncer, secretFile, urlOf: (repo: string) => `${server.url}/${repo}.git` };
}

const jobNames = async (m: TestMaster) => Object.values(await m.client.jobs.list()).map((j) => j.id.split(':')[0]).sort();

test('Two sync sources of the same name from different repositories: the second is refused, nothing pruned', async (t) => {
  const { master, a, syncer, secretFile, urlOf } = await twoTeams(t);
  const syncerA = await syncer('team-a/apps');
  t.is(syncerA.config.name, 'apps');
  const first = await syncerA.pass();
  t.false(first instanceof Error);
  t.deepEqual(await jobNames(master), ['api-a', 'web-a']);
  const before = await dumpDb(master.dbPath);

  const syncerB = await syncer('team-b/apps', ['--webhook', '127.0.0.1:0', '--webhook-secret-file', secretFile]);
  t.is(syncerB.config.name, 'apps', 'the same default name: the case the master must catch');
  for (let i = 0; i < 3; i++) {
    const err = await syncerB.pass();
    t.true(isHeliosError(err, 'SOURCE_MISMATCH'), String(err));
  }
  t.deepEqual(await dumpDb(master.dbPath), before, 'nothing pruned, nothing created, the source record untouched');
  t.like(await master.client.sync.source('apps'), { repo: urlOf('team-a/apps'), lastAppliedCommit: a.head, state: 'OK' });

  // The syncer's log says it once (a failure is logged when it starts), naming both repositories and the fix.
  const failures = syncerB.logs.filter((l) => l.msg === 'sync failed');
  t.is(failures.length, 1, JSON.stringify(failures));
  t.is(failures[0].code, 'SOURCE_MISMATCH');
  const message = (failures[0].err as { message: string }).message;
  t.true(message.includes(urlOf('team-a/apps')) && message.includes(urlOf('team-b/apps')), message);
  t.regex(message, /give this syncer its own --name/);
  // /healthz: failing to anyone, the reason only to a caller with the secret.
  const hook = syncerB.webhook!.url;
  t.deepEqual(await (await fetch(`${hook}/healthz`)).json(), { status: 'failing' });
  const detail = await (await fetch(`${hook}/healthz`, { headers: { authorization: 'Bearer hook-secret' } })).json() as Record<string, unknown>;
  t.like(detail, { status: 'failing', source: 'apps', code: 'SOURCE_MISMATCH' });
  t.regex(String(detail.failing), /give this syncer its own --name/);

  // Team A keeps syncing as before: no flip-flop.
  const next = await commitFiles(a.work, { 'jobs/cron-a.yaml': jobFile('cron-a', { hosts: ['h1'] }) });
  const applied = await syncerA.pass();
  t.like(applied, { commit: next, result: { state: 'APPLIED' } });
  t.deepEqual(await jobNames(master), ['api-a', 'cron-a', 'web-a']);

  // The fix the message gives: a name of its own.
  const ownName = await syncer('team-b/apps', ['--name', 'apps-team-b']);
  t.like(await ownName.pass(), { result: { state: 'APPLIED' } });
  t.deepEqual(await jobNames(master), ['api-a', 'cron-a', 'web-a', 'web-b']);
  t.deepEqual(Object.values(await master.client.jobs.list()).map((j) => j.owner).sort(), ['git:apps', 'git:apps', 'git:apps', 'git:apps-team-b']);
});

test('--adopt re-points a moved source once: the old repository\'s jobs are pruned, and later passes send no adopt', async (t) => {
  const { master, syncer, urlOf } = await twoTeams(t);
  const syncerA = await syncer('team-a/apps');
  await syncerA.pass();
  await syncerA.stop();

  const moved = await syncer('team-b/apps', ['--adopt']);
  t.like(await moved.pass(), { result: { state: 'APPLIED' } });
  t.deepEqual(await jobNames(master), ['web-b']);
  t.like(await master.client.sync.source('apps'), { repo: urlOf('team-b/apps') });

  // An admin points the source back at team A: this syncer adopted once and now is refused like any other.
  await master.client.sync.register('apps', { repo: urlOf('team-a/apps'), branch: 'main', path: 'jobs' });
  t.true(isHeliosError(await moved.pass(), 'SOURCE_MISMATCH'));
  t.deepEqual(await jobNames(master), ['web-b']);
});
