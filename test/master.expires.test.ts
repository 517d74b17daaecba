/**
 * `expires` in a git job file (review F13): a job whose date has passed counts as absent, with a
 * warning, and never refuses the commit (it used to refuse every later commit of the repository).
 */
import test from 'ava';
import type { SyncApplyRequest, SyncJob } from '../core/index.js';
import { expectError, startTestMaster } from './harness/master.js';
import { ENGINES } from './harness/engines.js';
import { waitFor } from './harness/processes.js';

const file = (name: string, spec: Record<string, unknown> = {}): SyncJob => ({
  file: `jobs/${name}.yaml`, lines: { name: 1, version: 2, image: 3, expires: 4, deploy: 5 },
  spec: { name, version: '1', image: 'busybox:latest', ...spec }, hosts: ['h1'], goal: 'START',
});
const commit = (c: string, jobs: SyncJob[]): SyncApplyRequest =>
  ({ repo: 'http://127.0.0.1/repo.git', branch: 'main', path: 'jobs', commit: c, jobs, errors: [] });
const kinds = (actions: Array<{ action: string; jobId: string }>) => actions.map((a) => `${a.action} ${a.jobId.split(':')[0]}`);

for (const engine of ENGINES) {
  test(`${engine}: a commit holding an expired job applies the rest; the expired one is not created, with a warning in the result and the source`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const warning = { file: 'jobs/old.yaml', line: 4, message: 'expired at 2000-01-01T00:00:00.000Z, not deployed' };
    const dry = await m.client.sync.apply('s', { ...commit('c1', [file('old', { expires: '2000-01-01T00:00:00Z' }), file('api')]), dryRun: true });
    t.like(dry, { state: 'PLANNED', warnings: [warning] });
    const result = await m.client.sync.apply('s', commit('c1', [file('old', { expires: '2000-01-01T00:00:00Z' }), file('api')]));
    t.like(result, { state: 'APPLIED', errors: [], warnings: [warning] });
    t.deepEqual(kinds(result.actions), ['create api', 'deploy api']);
    t.deepEqual(Object.keys(await m.client.jobs.list()).map((id) => id.split(':')[0]), ['api']);
    t.like(await m.client.sync.source('s'), { state: 'OK', lastAppliedCommit: 'c1', errors: [], warnings: [warning] });
    // The API still refuses an expires in the past (the CLI's create).
    const err = await expectError(t, m.client.jobs.create({ id: 'old:1', image: 'busybox:latest', expires: '2000-01-01T00:00:00Z' }), 'INVALID_JOB_DEFINITION');
    t.regex(err.message, /expires: must not be in the past/);
  });

  test(`${engine}: an applied job whose expires passes is undeployed and removed by the next commit, which applies, and so do the ones after`, async (t) => {
    // The reaper would remove the job first: an hour keeps it out, so that the sync is what expires it.
    const m = await startTestMaster({ engine, reaperIntervalMs: 3_600_000 });
    t.teardown(m.close);
    await m.client.hosts.register('h1', 'a1');
    const expires = new Date(Date.now() + 5_000).toISOString(); // far enough for the first commit to land before it
    const web = file('web', { expires });
    const first = await m.client.sync.apply('s', commit('c1', [web, file('api')]));
    t.like(first, { state: 'APPLIED', warnings: [] });
    const webId = first.actions.find((a) => a.action === 'create' && a.jobId.startsWith('web:'))!.jobId;
    const tasks = async () => (await m.client.agents.tasks('h1', 0, 0, { agentId: 'a1' })).tasks.map((task) => task.jobId.split(':')[0]);
    t.deepEqual(await tasks(), ['api', 'web']);

    await new Promise((resolve) => setTimeout(resolve, Date.parse(expires) - Date.now() + 50));
    const warning = { file: 'jobs/web.yaml', line: 4, message: `expired at ${expires}, not deployed` };
    const second = await m.client.sync.apply('s', commit('c2', [web, file('api'), file('db')]));
    t.like(second, { state: 'APPLIED', errors: [], warnings: [warning] });
    t.deepEqual(kinds(second.actions), ['undeploy web', 'remove web', 'create db', 'deploy db']);
    await expectError(t, m.client.jobs.get(webId), 'JOB_NOT_FOUND');
    t.deepEqual(await tasks(), ['api', 'db']);
    const third = await m.client.sync.apply('s', commit('c3', [web, file('api'), file('db', { env: { V: '2' } })]));
    t.like(third, { state: 'APPLIED', warnings: [warning] });
    t.like(await m.client.sync.source('s'), { state: 'OK', lastAppliedCommit: 'c3', warnings: [warning] });
  });

  test(`${engine}: a job the reaper removed at its expiry stays absent at the next commit, with a warning, and the commit applies`, async (t) => {
    const m = await startTestMaster({ engine, reaperIntervalMs: 100 });
    t.teardown(m.close);
    const expires = new Date(Date.now() + 3_000).toISOString(); // far enough for the first commit to land before it
    const web = file('web', { expires });
    const first = await m.client.sync.apply('s', commit('c1', [web]));
    const webId = first.actions[0].jobId;
    // Generous for a loaded machine: the reaper runs every 100 ms once the date has passed.
    await waitFor(async () => (await m.client.jobs.list())[webId] === undefined, { timeoutMs: 30_000, message: 'the reaper removing web' });
    const next = await m.client.sync.apply('s', commit('c2', [web, file('api')]));
    t.like(next, { state: 'APPLIED', warnings: [{ file: 'jobs/web.yaml', line: 4, message: `expired at ${expires}, not deployed` }] });
    t.deepEqual(kinds(next.actions), ['create api', 'deploy api']);
  });
}
