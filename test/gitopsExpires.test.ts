/**
 * `expires` in a git job file, end to end (review F13): real git over HTTP, the syncer, a real master.
 * An expired job is left out with a warning; the rest of the commit, and every later one, applies.
 */
import test from 'ava';
import { gitops, jobFile } from './gitopsHelpers.js';

const expiring = (name: string, expires: string) => `${jobFile(name, { hosts: ['h1'] })}expires: "${expires}"\n`;
const kinds = (actions: Array<{ action: string; jobId: string }>) => actions.map((a) => `${a.action} ${a.jobId.split(':')[0]}`).sort();

test('a commit with an expired job file applies the others; a job whose expires passes later is undeployed by the next commit, which applies', async (t) => {
  // The reaper would remove the job first: an hour keeps it out, so that the sync is what expires it.
  const g = await gitops(t, { master: { reaperIntervalMs: 3_600_000 } });
  const syncer = await g.startSyncer();
  await g.commit({ 'jobs/web.yaml': jobFile('web', { hosts: ['h1'] }), 'jobs/old.yaml': expiring('old', '2000-01-01T00:00:00Z') });
  const first = await syncer.reactor.next();
  t.is(first.result.state, 'APPLIED');
  t.deepEqual(first.result.warnings, [{ file: 'jobs/old.yaml', line: 8, message: 'expired at 2000-01-01T00:00:00.000Z, not deployed' }]);
  t.deepEqual(kinds(first.result.actions), ['create web', 'deploy web']);

  // Far enough ahead for this commit to be applied before it passes.
  const soon = new Date(Date.now() + 5_000).toISOString();
  await g.commit({ 'jobs/soon.yaml': expiring('soon', soon) });
  const second = await syncer.reactor.next();
  t.is(second.result.state, 'APPLIED');
  t.deepEqual(kinds(second.result.actions), ['create soon', 'deploy soon']);

  await new Promise((resolve) => setTimeout(resolve, Date.parse(soon) - Date.now() + 50));
  await g.commit({ 'jobs/web.yaml': jobFile('web', { hosts: ['h1'], env: { V: '2' } }) });
  const third = await syncer.reactor.next();
  t.is(third.result.state, 'APPLIED');
  t.deepEqual(kinds(third.result.actions), ['create web', 'deploy web', 'remove soon', 'remove web', 'undeploy soon', 'undeploy web']);
  t.deepEqual(third.result.warnings?.map((w) => w.message), ['expired at 2000-01-01T00:00:00.000Z, not deployed', `expired at ${soon}, not deployed`]);
  t.deepEqual(Object.keys(await g.master.client.jobs.list()).map((id) => id.split(':')[0]), ['web']);
  t.like(await g.master.client.sync.source(g.config().name), { state: 'OK', errors: [] });
});
