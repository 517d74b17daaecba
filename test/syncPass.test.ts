import test from 'ava';
import { rmSync } from 'node:fs';
import { pino } from 'pino';
import { createClient, HeliosError, type HeliosClient, type SyncApplyRequest } from '../core/index.js';
import { openLocalRepo } from '../syncer/repo/localRepo.js';
import { createSyncPass } from '../syncer/syncPass.js';
import { jobFile } from './gitopsHelpers.js';
import { commitFiles, gitRepo } from './harness/gitServer.js';
import { startTestMaster } from './harness/master.js';
import { tempDir } from './harness/processes.js';

/**
 * A client that records every sync request it sends (and how the master answered). With `oldMaster`
 * it stands in for a master from before references, refusing them as a body it does not know: a
 * stand-in, since no such master exists to run.
 */
function recording(client: HeliosClient, o: { oldMaster?: boolean } = {}) {
  const requests: Array<{ body: SyncApplyRequest; answer: string }> = [];
  const apply: HeliosClient['sync']['apply'] = async (source, body) => {
    try {
      const ref = body.jobs.findIndex((j) => !('spec' in j));
      if (o.oldMaster && ref >= 0) throw new HeliosError('INVALID_REQUEST', `body.jobs.${ref}.spec: is required`);
      const result = await client.sync.apply(source, body);
      requests.push({ body, answer: result.state });
      return result;
    } catch (err) {
      requests.push({ body, answer: (err as { code?: string }).code ?? String(err) });
      throw err;
    }
  };
  return { requests, client: { ...client, sync: { ...client.sync, apply } } };
}

const shape = (body: SyncApplyRequest) => body.jobs.map((j) => `${j.file}:${'spec' in j ? 'full' : 'ref'}`);

test('a commit sends only its changed files in full and the rest by reference; a master that lost them gets them in full at once', async (t) => {
  const root = await tempDir('sync-pass-');
  t.teardown(root.cleanup);
  const repo = await gitRepo(root.path, {
    'jobs/a.yaml': jobFile('a', { hosts: ['h1'] }), 'jobs/b.yaml': jobFile('b', { hosts: ['h1'] }), 'jobs/c.yaml': jobFile('c', { hosts: ['h1'] }),
  });
  // The database outlives the first master (kept dir), for the restart below.
  let master = await startTestMaster({ keepDir: true });
  const { dbPath, dir } = master;
  const { port } = new URL(master.url);
  t.teardown(async () => { await master.close(); rmSync(dir, { recursive: true, force: true }); });
  const { requests, client } = recording(createClient({ baseUrl: master.url }));
  const pass = createSyncPass({ source: await openLocalRepo({ dir: repo.work, branch: 'main' }), client, name: 'refs', branch: 'main', path: 'jobs', log: pino({ level: 'silent' }) });

  t.is((await pass()).result.state, 'APPLIED');
  t.deepEqual(shape(requests[0].body), ['jobs/a.yaml:full', 'jobs/b.yaml:full', 'jobs/c.yaml:full'], 'the first request carries every entry');

  await commitFiles(repo.work, { 'jobs/b.yaml': jobFile('b', { hosts: ['h1'], env: { REV: '2' } }) });
  const second = await pass();
  t.is(second.result.state, 'APPLIED');
  t.deepEqual(shape(requests[1].body), ['jobs/a.yaml:ref', 'jobs/b.yaml:full', 'jobs/c.yaml:ref']);
  t.deepEqual(second.result.actions.map((a) => a.action), ['undeploy', 'remove', 'create', 'deploy'], 'only b is replaced');
  t.is((await pass()).result.actions.length, 0, 'a pass with no new commit sends references only and changes nothing');
  t.deepEqual(shape(requests[2].body), ['jobs/a.yaml:ref', 'jobs/b.yaml:ref', 'jobs/c.yaml:ref']);

  // A restarted master on the same database has no entries in memory: the reference is refused, the
  // full set follows in the same pass, and the commit is applied.
  await master.close();
  master = await startTestMaster({ dbPath, port: Number(port) });
  await commitFiles(repo.work, { 'jobs/c.yaml': jobFile('c', { hosts: ['h1'], env: { REV: '3' } }) });
  const third = await pass();
  t.is(third.result.state, 'APPLIED');
  t.deepEqual(requests.slice(3).map((r) => [r.answer, shape(r.body).filter((s) => s.endsWith(':full')).length]), [['SYNC_ENTRY_UNKNOWN', 1], ['APPLIED', 3]]);
  t.deepEqual(third.result.actions.map((a) => a.action), ['undeploy', 'remove', 'create', 'deploy'], 'only c is replaced');
  const jobs = Object.values(await master.client.jobs.list()).map((j) => `${j.id.split(':')[0]} ${j.env?.REV ?? '-'}`).sort();
  t.deepEqual(jobs, ['a -', 'b 2', 'c 3']);
});

test('a master that refuses references as invalid gets the same set in full, and full sets from then on', async (t) => {
  const root = await tempDir('sync-pass-');
  t.teardown(root.cleanup);
  const repo = await gitRepo(root.path, { 'jobs/a.yaml': jobFile('a', { hosts: ['h1'] }), 'jobs/b.yaml': jobFile('b', { hosts: ['h1'] }) });
  const master = await startTestMaster();
  t.teardown(master.close);
  const { requests, client } = recording(createClient({ baseUrl: master.url }), { oldMaster: true });
  const pass = createSyncPass({ source: await openLocalRepo({ dir: repo.work, branch: 'main' }), client, name: 'old', branch: 'main', path: 'jobs', log: pino({ level: 'silent' }) });
  t.is((await pass()).result.state, 'APPLIED');
  await commitFiles(repo.work, { 'jobs/b.yaml': jobFile('b', { hosts: ['h1'], env: { REV: '2' } }) });
  t.deepEqual((await pass()).result.actions.map((a) => a.action), ['undeploy', 'remove', 'create', 'deploy']);
  await commitFiles(repo.work, { 'jobs/a.yaml': jobFile('a', { hosts: ['h1'], env: { REV: '2' } }) });
  t.is((await pass()).result.state, 'APPLIED');
  t.deepEqual(requests.map((r) => [r.answer, shape(r.body).join(' ')]), [
    ['APPLIED', 'jobs/a.yaml:full jobs/b.yaml:full'],
    ['INVALID_REQUEST', 'jobs/a.yaml:ref jobs/b.yaml:full'],
    ['APPLIED', 'jobs/a.yaml:full jobs/b.yaml:full'],
    ['APPLIED', 'jobs/a.yaml:full jobs/b.yaml:full'],
  ]);
});
