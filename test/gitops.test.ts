/**
 * GitOps end to end: real git (a bare repo served by `git http-backend`), a real master, a real agent
 * on the real Docker engine, and the syncer in this process, driven one pass at a time.
 */
import test from 'ava';
import { agentContainers, waitForState } from './harness/agent.js';
import { waitFor } from './harness/processes.js';
import { gitops, jobExists, jobFile, jobIdOf } from './gitopsHelpers.js';

test('commit a job file → RUNNING on the named agent; change env → the new version replaces the old; delete the file → undeployed and removed', async (t) => {
  const g = await gitops(t, { agent: true });
  const host = g.agent!.name;
  const syncer = await g.startSyncer();

  const v1 = jobFile('web', { hosts: [host], env: { GREETING: 'hello' } });
  const c1 = await g.commit({ 'jobs/web.yaml': v1 });
  const first = await syncer.reactor.next();
  t.is(first.commit, c1);
  t.is(first.result.state, 'APPLIED');
  const id1 = jobIdOf('jobs/web.yaml', v1);
  t.deepEqual(first.result.actions.map((a) => [a.action, a.jobId]).sort(), [['create', id1], ['deploy', id1]]);
  await waitForState(g.master, id1, host, 'RUNNING', 30_000);
  t.is((await g.master.client.jobs.get(id1)).owner, `git:${g.config().name}`);

  const v2 = jobFile('web', { hosts: [host], env: { GREETING: 'bonjour' } });
  await g.commit({ 'jobs/web.yaml': v2 });
  const second = await syncer.reactor.next();
  t.is(second.result.state, 'APPLIED');
  t.is(second.filesRead, 1);
  const id2 = jobIdOf('jobs/web.yaml', v2);
  t.not(id2, id1);
  const running = await waitForState(g.master, id2, host, 'RUNNING', 30_000);
  t.is(running.env.GREETING, 'bonjour');
  t.false(await jobExists(g.master.client, id1), 'the old version is removed');
  await waitFor(async () => (await agentContainers(host)).every((c) => c.Labels['helios.job'] !== id1 || c.State !== 'running') || undefined,
    { timeoutMs: 20_000, message: 'the old container stopped' });

  await g.remove(['jobs/web.yaml']);
  const third = await syncer.reactor.next();
  t.is(third.result.state, 'APPLIED');
  t.deepEqual(third.result.actions.map((a) => a.action).sort(), ['remove', 'undeploy']);
  t.false(await jobExists(g.master.client, id2));
  await waitFor(async () => (await agentContainers(host)).every((c) => c.State !== 'running') || undefined,
    { timeoutMs: 20_000, message: 'no container left running' });
});

test('an invalid commit changes nothing and the source status names the file and line; a fix is applied', async (t) => {
  const g = await gitops(t);
  const syncer = await g.startSyncer();
  const name = g.config().name;
  const good = jobFile('api', { hosts: ['h1'] });
  const goodCommit = await g.commit({ 'jobs/api.yaml': good });
  t.is((await syncer.reactor.next()).result.state, 'APPLIED');
  const id = jobIdOf('jobs/api.yaml', good);

  // A YAML syntax error in a new file, next to a valid change to the existing one.
  const changed = jobFile('api', { hosts: ['h1'], env: { A: 'b' } });
  const broken = await g.commit({ 'jobs/api.yaml': changed, 'jobs/broken.yaml': 'name: broken\nversion: "1"\n  image: busybox:latest\n' });
  const refused = await syncer.reactor.next();
  t.is(refused.result.state, 'REFUSED');
  t.deepEqual(refused.result.actions, []);
  t.deepEqual(refused.result.errors.map((e) => [e.file, e.line]), [['jobs/broken.yaml', 3]]);
  let status = await g.master.client.sync.source(name);
  t.like(status, { state: 'ERROR', lastAppliedCommit: goodCommit, lastAttemptedCommit: broken });
  t.deepEqual(status.errors.map((e) => [e.file, e.line]), [['jobs/broken.yaml', 3]]);
  t.true(await jobExists(g.master.client, id), 'the last good commit stays applied');
  t.false(await jobExists(g.master.client, jobIdOf('jobs/api.yaml', changed)));

  // A schema error: a string internalPort, reported at its own (nested) line.
  const schema = await g.commit({ 'jobs/broken.yaml': 'name: broken\nversion: "1"\nimage: busybox:latest\nports:\n  http:\n    internalPort: "eighty"\n' });
  const refused2 = await syncer.reactor.next();
  t.is(refused2.result.state, 'REFUSED');
  status = await g.master.client.sync.source(name);
  t.like(status, { state: 'ERROR', lastAppliedCommit: goodCommit, lastAttemptedCommit: schema });
  t.is(status.errors.length, 1);
  t.like(status.errors[0], { file: 'jobs/broken.yaml', line: 6 });
  t.regex(status.errors[0].message, /ports\.http\.internalPort/);

  // The fix.
  const fixed = jobFile('broken', { hosts: ['h1'] });
  const fix = await g.commit({ 'jobs/broken.yaml': fixed });
  const applied = await syncer.reactor.next();
  t.is(applied.result.state, 'APPLIED');
  status = await g.master.client.sync.source(name);
  t.like(status, { state: 'OK', lastAppliedCommit: fix, lastAttemptedCommit: fix, errors: [] });
  t.true(await jobExists(g.master.client, jobIdOf('jobs/broken.yaml', fixed)));
  t.true(await jobExists(g.master.client, jobIdOf('jobs/api.yaml', changed)));
  t.false(await jobExists(g.master.client, id));
});

test('duplicate job names across files refuse the commit, naming both files', async (t) => {
  const g = await gitops(t);
  const syncer = await g.startSyncer();
  await g.commit({ 'jobs/a.yaml': jobFile('web'), 'jobs/team/b.yml': `# same job\n${jobFile('web', { env: { X: '1' } })}` });
  const { result } = await syncer.reactor.next();
  t.is(result.state, 'REFUSED');
  t.deepEqual(result.errors, [{ file: 'jobs/team/b.yml', line: 2, message: 'job name web is also used by jobs/a.yaml; one file per job name' }]);
  t.deepEqual(Object.keys(await g.master.client.jobs.list()), []);
});

test('an image change replaces the job; removing a host from deploy.hosts undeploys only there', async (t) => {
  const g = await gitops(t);
  const syncer = await g.startSyncer();
  const v1 = jobFile('svc', { hosts: ['h1', 'h2'] });
  await g.commit({ 'jobs/svc.yaml': v1 });
  t.is((await syncer.reactor.next()).result.state, 'APPLIED');
  const id1 = jobIdOf('jobs/svc.yaml', v1);
  t.deepEqual(Object.keys((await g.master.client.jobs.status(id1)).deployments).sort(), ['h1', 'h2']);

  const v2 = jobFile('svc', { hosts: ['h1', 'h2'], image: 'busybox:1.36' });
  await g.commit({ 'jobs/svc.yaml': v2 });
  t.is((await syncer.reactor.next()).result.state, 'APPLIED');
  const id2 = jobIdOf('jobs/svc.yaml', v2);
  t.false(await jobExists(g.master.client, id1));
  t.is((await g.master.client.jobs.get(id2)).image, 'busybox:1.36');

  const v3 = jobFile('svc', { hosts: ['h1', 'h2'], image: 'busybox:1.36' }).replace('["h1","h2"]', '["h2"]');
  t.is(jobIdOf('jobs/svc.yaml', v3), id2, 'deploy is not part of the job: same id');
  await g.commit({ 'jobs/svc.yaml': v3 });
  const { result } = await syncer.reactor.next();
  t.deepEqual(result.actions.map((a) => [a.action, a.host]), [['undeploy', 'h1']]);
  t.deepEqual(Object.keys((await g.master.client.jobs.status(id2)).deployments), ['h2']);
});

test('drift: a git-owned deployment changed by hand is put back by the next (periodic) pass', async (t) => {
  const g = await gitops(t);
  const syncer = await g.startSyncer(['--interval', '300ms']);
  const file = jobFile('drift', { hosts: ['h1'] });
  await g.commit({ 'jobs/drift.yaml': file });
  const id = jobIdOf('jobs/drift.yaml', file);
  await waitFor(async () => (await jobExists(g.master.client, id)) || undefined, { timeoutMs: 10_000, message: 'first sync' });
  await g.master.client.deployments.undeploy('h1', id, { force: true });
  await waitFor(async () => (await g.master.client.jobs.status(id)).deployments.h1, { timeoutMs: 10_000, message: 'deployment restored' });
  t.pass();
  await syncer.stop();
});

test('a sync only touches what its source owns', async (t) => {
  const g = await gitops(t);
  const { id: cliJob } = await g.master.client.jobs.create({ name: 'manual', version: '1', image: 'busybox:latest' });
  const other = await g.startSyncer(['--name', `other-${process.pid}`, '--path', 'other']);
  const mine = await g.startSyncer();
  const theirs = jobFile('theirs');
  await g.commit({ 'other/theirs.yaml': theirs, 'jobs/mine.yaml': jobFile('mine') });
  t.is((await other.reactor.next()).result.state, 'APPLIED');
  t.is((await mine.reactor.next()).result.state, 'APPLIED');
  await g.remove(['jobs/mine.yaml']);
  const { result } = await mine.reactor.next();
  t.deepEqual(result.actions.map((a) => a.action), ['remove']);
  t.true(await jobExists(g.master.client, cliJob));
  t.true(await jobExists(g.master.client, jobIdOf('other/theirs.yaml', theirs)));
});

test('a missing --path folder is refused rather than pruning everything', async (t) => {
  const g = await gitops(t);
  const syncer = await g.startSyncer();
  await g.commit({ 'jobs/keep.yaml': jobFile('keep') });
  t.is((await syncer.reactor.next()).result.state, 'APPLIED');
  await g.remove(['jobs']);
  const { result } = await syncer.reactor.next();
  t.is(result.state, 'REFUSED');
  t.regex(result.errors[0].message, /folder jobs\/ not found/);
  t.true(await jobExists(g.master.client, jobIdOf('jobs/keep.yaml', jobFile('keep'))));
});

test('a commit with a privileged job from a sync token is refused whole, the file and line named; the same commit from an admin token applies', async (t) => {
  const g = await gitops(t, { master: { tokens: [
    { token: 'admin-token-0123456789', role: 'admin', name: 'alice' },
    { token: 'sync-token-0123456789', role: 'sync', name: 'ops-syncer', sources: ['ops'] },
  ] } });
  const web = jobFile('web', { hosts: ['h1'] });
  const rooted = `${jobFile('rooted', { hosts: ['h1'] })}volumes:\n  /host: /\nnetworkMode: host\n`;
  const commit = await g.commit({ 'jobs/web.yaml': web, 'jobs/rooted.yaml': rooted });
  const syncer = await g.startSyncer(['--name', 'ops'], { HELIOS_TOKEN: 'sync-token-0123456789' });
  const refused = await syncer.reactor.next();
  t.is(refused.result.state, 'REFUSED');
  t.deepEqual(refused.result.errors.map((e) => [e.file, e.line, e.message.split(':')[0]]), [
    ['jobs/rooted.yaml', 8, 'volumes./host'],
    ['jobs/rooted.yaml', 10, 'networkMode'],
  ]);
  const status = await g.master.client.sync.source('ops');
  t.like(status, { state: 'ERROR', lastAppliedCommit: null, lastAttemptedCommit: commit });
  t.false(await jobExists(g.master.client, jobIdOf('jobs/web.yaml', web)), 'nothing of the commit was applied');

  const other = await g.startSyncer(['--name', 'not-ops', '--cache-dir', `${g.cacheDir}/other`], { HELIOS_TOKEN: 'sync-token-0123456789' });
  const forbidden = await other.reactor.next().then(() => null, (err: unknown) => err as Error);
  t.regex(String(forbidden?.message), /token "ops-syncer" \(role sync, sources ops\) may not PUT \/sync\/sources\/:name: it needs role deploy, or a sync token for source not-ops/);

  await syncer.stop();
  const admin = await g.startSyncer(['--name', 'ops', '--cache-dir', `${g.cacheDir}/admin`], { HELIOS_TOKEN: 'admin-token-0123456789' });
  t.is((await admin.reactor.next()).result.state, 'APPLIED');
  t.true(await jobExists(g.master.client, jobIdOf('jobs/rooted.yaml', rooted)));
});

test('a typo in a committed job file refuses the commit with its line and a did-you-mean, nested fields too; nothing is deployed', async (t) => {
  const g = await gitops(t);
  const syncer = await g.startSyncer();
  const typo = [
    '# yaml-language-server: $schema=../core/schema/job.schema.json',
    'name: web', 'version: "1"', 'image: busybox:latest',
    'comand: ["httpd", "-f", "-p", "8080"]',
    'ports:', '  http: { internalPort: 8080, externalPrt: 18080 }',
    'deploy:', '  hosts: [h1]',
  ].join('\n') + '\n';
  const commit = await g.commit({ 'jobs/web.yaml': typo });
  const { result } = await syncer.reactor.next();
  t.is(result.state, 'REFUSED');
  t.deepEqual(result.errors, [
    { file: 'jobs/web.yaml', line: 5, message: 'comand: unknown field; did you mean command?' },
    { file: 'jobs/web.yaml', line: 7, message: 'ports.http.externalPrt: unknown field; did you mean externalPort?' },
  ]);
  const status = await g.master.client.sync.source(g.config().name);
  t.like(status, { state: 'ERROR', lastAttemptedCommit: commit });
  t.not(status.lastAppliedCommit, commit);
  t.deepEqual(Object.keys(await g.master.client.jobs.list()), []);

  const fixed = await g.commit({ 'jobs/web.yaml': typo.replace('comand', 'command').replace('externalPrt', 'externalPort') });
  t.is((await syncer.reactor.next()).result.state, 'APPLIED');
  t.like(await g.master.client.sync.source(g.config().name), { state: 'OK', lastAppliedCommit: fixed });
});

test('the master refuses an unknown field in a sync request itself (a syncer that did not check), at the line of its top-level key', async (t) => {
  const g = await gitops(t);
  const request = { repo: 'http://127.0.0.1/other.git', branch: 'main', path: 'jobs', commit: 'c1', errors: [] };
  const entry = {
    file: 'jobs/web.yaml', lines: { name: 1, version: 2, image: 3, comand: 4, ports: 5 }, hosts: [], goal: 'START' as const,
    spec: { name: 'web', version: '1', image: 'busybox:latest', comand: ['true'], ports: { http: { internalPort: 80, protcol: 'tcp' } } } as never,
  };
  const result = await g.master.client.sync.apply('raw', { ...request, jobs: [entry] });
  t.is(result.state, 'REFUSED');
  t.deepEqual(result.errors, [
    { file: 'jobs/web.yaml', line: 4, message: 'comand: unknown field; did you mean command?' },
    { file: 'jobs/web.yaml', line: 5, message: 'ports.http.protcol: unknown field; did you mean protocol?' },
  ]);
  t.deepEqual(Object.keys(await g.master.client.jobs.list()), []);
  // The jobs API keeps Helios' rule: an unknown field is ignored, with a warning that says what it likely meant.
  const created = await g.master.client.jobs.create({ name: 'api', version: '1', image: 'busybox:latest', comand: ['true'] } as never);
  t.deepEqual(created.warnings, ['unknown field comand ignored; did you mean command?']);
  t.deepEqual((await g.master.client.jobs.get(created.id)).command, []);
});
