import test from 'ava';
import Database from 'better-sqlite3';
import type { SyncApplyRequest, SyncJob } from '../core/index.js';
import { dumpDb, expectError, startTestMaster } from './harness/master.js';
import { ENGINES, testDatabase } from './harness/engines.js';
import { migrations } from '../master/store/migrations.js';

const file = (name: string, over: Partial<SyncJob> = {}, spec: Record<string, unknown> = {}): SyncJob => ({
  file: `jobs/${name}.yaml`, lines: { name: 1, version: 2, image: 3, ports: 4, deploy: 8 },
  spec: { name, version: '1', image: 'busybox:latest', ...spec }, hosts: ['h1'], goal: 'START', ...over,
});
const commit = (c: string, jobs: SyncApplyRequest['jobs'], over: Partial<SyncApplyRequest> = {}): SyncApplyRequest =>
  ({ repo: 'http://127.0.0.1/repo.git', branch: 'main', path: 'jobs', commit: c, jobs, errors: [], ...over });

const teamA = { repo: 'https://git.example/team-a/apps.git', branch: 'main', path: 'jobs' };
const teamB = { repo: 'https://git.example/team-b/apps.git', branch: 'main', path: 'jobs' };

for (const engine of ENGINES) {
  test(`${engine}: a commit is applied whole: jobs created and deployed, owned by git:<source>, source OK`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await m.client.hosts.register('h1', 'a1');
    const result = await m.client.sync.apply('infra', commit('c1', [file('web'), file('api', { hosts: ['h1', 'h2'], goal: 'STOP' })]));
    t.is(result.state, 'APPLIED');
    t.is(result.commit, 'c1');
    t.deepEqual(result.actions.map((a) => a.action), ['create', 'create', 'deploy', 'deploy', 'deploy']);
    const jobs = Object.values(await m.client.jobs.list());
    t.deepEqual(jobs.map((j) => j.owner), ['git:infra', 'git:infra']);
    const api = jobs.find((j) => j.id.startsWith('api:'))!;
    const status = await m.client.jobs.status(api.id);
    t.deepEqual(Object.keys(status.deployments), ['h1', 'h2']);
    t.like(status.deployments.h2, { goal: 'STOP', owner: 'git:infra' });
    t.like(await m.client.sync.source('infra'), { state: 'OK', lastAppliedCommit: 'c1', lastAttemptedCommit: 'c1', errors: [], branch: 'main' });
    t.deepEqual((await m.client.sync.sources()).map((s) => s.name), ['infra']);
  });

  test(`${engine}: an invalid file refuses the commit with file and line, records ERROR and changes nothing else`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await m.client.sync.apply('infra', commit('c1', [file('web')]));
    const before = await dumpDb(m.dbPath);
    const result = await m.client.sync.apply('infra', commit('c2', [
      file('web', {}, { version: '2' }),
      file('bad', {}, { ports: { http: { internalPort: 'eighty' } } }),
    ]));
    t.is(result.state, 'REFUSED');
    t.deepEqual(result.actions, []);
    t.true(result.errors.length >= 1);
    t.like(result.errors[0], { file: 'jobs/bad.yaml', line: 4 });
    t.regex(result.errors[0].message, /ports\.http\.internalPort/);
    const source = await m.client.sync.source('infra');
    t.like(source, { state: 'ERROR', lastAppliedCommit: 'c1', lastAttemptedCommit: 'c2' });
    t.deepEqual(source.errors, result.errors);
    const after = await dumpDb(m.dbPath);
    t.deepEqual(after.jobs, before.jobs);
    t.deepEqual(after.deployments, before.deployments);
  });

  test(`${engine}: errors the syncer found, duplicate names and bad host names refuse the commit`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const own = await m.client.sync.apply('s', commit('c1', [file('web')], { errors: [{ file: 'jobs/x.yaml', line: 3, message: 'bad YAML' }] }));
    t.is(own.state, 'REFUSED');
    t.deepEqual(own.errors, [{ file: 'jobs/x.yaml', line: 3, message: 'bad YAML' }]);
    const dup = await m.client.sync.apply('s', commit('c2', [file('web'), { ...file('web', {}, { version: '2' }), file: 'jobs/web2.yaml' }]));
    t.is(dup.state, 'REFUSED');
    t.like(dup.errors[0], { file: 'jobs/web2.yaml', line: 1 });
    t.regex(dup.errors[0].message, /jobs\/web\.yaml/);
    const hosts = await m.client.sync.apply('s', commit('c3', [file('web', { hosts: ['../etc'] })]));
    t.is(hosts.state, 'REFUSED');
    t.like(hosts.errors[0], { file: 'jobs/web.yaml', line: 8 });
    t.deepEqual(await m.client.jobs.list(), {});
  });

  test(`${engine}: dry run plans without writing anything`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const before = await dumpDb(m.dbPath);
    const result = await m.client.sync.apply('infra', commit('c1', [file('web')], { dryRun: true }));
    t.is(result.state, 'PLANNED');
    t.deepEqual(result.actions.map((a) => a.action), ['create', 'deploy']);
    t.deepEqual(await dumpDb(m.dbPath), before);
    await expectError(t, m.client.sync.source('infra'), 'SOURCE_NOT_FOUND');
  });

  test(`${engine}: a dry run of a recorded source is kept as its lastPlan, refused ones with their errors; the cluster is unchanged, and an adopting dry run keeps nothing`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await m.client.sync.apply('infra', commit('c1', [file('web')]));
    t.is((await m.client.sync.source('infra')).lastPlan, null, 'none before a dry run');
    const before = await dumpDb(m.dbPath);
    const planned = await m.client.sync.apply('infra', commit('c2', [file('web', {}, { version: '2' }), file('api')], { dryRun: true }));
    t.is(planned.state, 'PLANNED');
    const { lastPlan } = await m.client.sync.source('infra');
    t.like(lastPlan, { commit: 'c2', state: 'PLANNED', actionCount: planned.actions.length, actions: planned.actions, errors: [] });
    t.true(Math.abs(lastPlan!.at - Date.now()) < 60_000);
    const after = await dumpDb(m.dbPath);
    t.deepEqual([after.jobs, after.deployments], [before.jobs, before.deployments], 'nothing applied');
    t.like(await m.client.sync.source('infra'), { lastAppliedCommit: 'c1', lastAttemptedCommit: 'c1', state: 'OK' }, 'nor attempted');

    await m.client.sync.apply('infra', commit('c3', [file('bad', {}, { ports: { http: { internalPort: 'eighty' } } })], { dryRun: true }));
    const refused = (await m.client.sync.source('infra')).lastPlan!;
    t.like(refused, { commit: 'c3', state: 'REFUSED', actions: [], actionCount: 0 });
    t.like(refused.errors[0], { file: 'jobs/bad.yaml', line: 4 });
    t.like(await m.client.sync.source('infra'), { state: 'OK', errors: [] }, 'the source itself is not refused');

    await m.client.sync.apply('infra', commit('d1', [], { ...teamA, adopt: true, dryRun: true }));
    t.is((await m.client.sync.source('infra')).lastPlan?.commit, 'c3');
    t.is((await m.client.sync.sources())[0].lastPlan?.commit, 'c3', 'GET /sync/sources has it too');
  });

  test(`${engine}: a changed file replaces the old version; a deleted file undeploys and removes its job`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await m.client.sync.apply('infra', commit('c1', [file('web', {}, { ports: { http: { internalPort: 80, externalPort: 18080 } } }), file('api')]));
    const [oldWeb] = Object.keys(await m.client.jobs.list({ q: 'web:' }));
    const result = await m.client.sync.apply('infra', commit('c2', [file('web', {}, { env: { V: '2' }, ports: { http: { internalPort: 80, externalPort: 18080 } } })]));
    t.is(result.state, 'APPLIED', JSON.stringify(result.errors));
    const ids = Object.keys(await m.client.jobs.list());
    t.is(ids.length, 1);
    t.not(ids[0], oldWeb);
    t.true(ids[0].startsWith('web:1:'));
    t.deepEqual(Object.keys((await m.client.jobs.status(ids[0])).deployments), ['h1']);
  });

  test(`${engine}: re-applying the same commit restores hand changes (drift)`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await m.client.hosts.register('h1', 'a1');
    await m.client.sync.apply('infra', commit('c1', [file('web', { hosts: ['h1', 'h2'] })]));
    const [id] = Object.keys(await m.client.jobs.list());
    await m.client.deployments.setGoal('h1', id, 'STOP', { force: true });
    await m.client.deployments.undeploy('h2', id, { force: true });
    const again = await m.client.sync.apply('infra', commit('c1', [file('web', { hosts: ['h1', 'h2'] })]));
    t.deepEqual(again.actions.map((a) => `${a.action} ${a.host}`), ['deploy h2', 'set-goal h1']);
    const status = await m.client.jobs.status(id);
    t.is(status.deployments.h1.goal, 'START');
    t.is(status.deployments.h2.goal, 'START');
    const third = await m.client.sync.apply('infra', commit('c1', [file('web', { hosts: ['h1', 'h2'] })]));
    t.deepEqual(third.actions, []);
  });

  test(`${engine}: a job held by another owner refuses the commit`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await m.client.jobs.create({ name: 'web', version: '1', image: 'busybox:latest' });
    const result = await m.client.sync.apply('infra', commit('c1', [file('web')]));
    t.is(result.state, 'REFUSED');
    t.regex(result.errors[0].message, /owned by cli/);
  });

  test(`${engine}: a sync wakes the blocking query of every host it changes`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await m.client.hosts.register('h1', 'a1');
    const { index } = await m.client.agents.tasks('h1', 0, 0, { agentId: 'a1' });
    const waiting = m.client.agents.tasks('h1', index, 60_000, { agentId: 'a1' });
    await m.client.sync.apply('infra', commit('c1', [file('web')]));
    const answer = await waiting;
    t.is(answer.tasks.length, 1);
    t.is(answer.tasks[0].job.owner, 'git:infra');
  });

  test(`${engine}: unchanged entries may be sent by file and digest; one the master does not have refuses the request with SYNC_ENTRY_UNKNOWN and changes nothing`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const web = file('web', { digest: 'oid-web' });
    const api = file('api', { digest: 'oid-api' });
    t.is((await m.client.sync.apply('infra', commit('c1', [web, api]))).state, 'APPLIED');

    const api2 = file('api', { digest: 'oid-api-2' }, { version: '2' });
    const byRef = await m.client.sync.apply('infra', commit('c2', [{ file: web.file, digest: 'oid-web' }, api2]));
    t.is(byRef.state, 'APPLIED');
    t.deepEqual(byRef.actions.map((a) => `${a.action} ${a.jobId.split(':').slice(0, 2).join(':')}`),
      ['undeploy api:1', 'remove api:1', 'create api:2', 'deploy api:2'], 'the referenced web stays as it is; only api is replaced');
    t.deepEqual(Object.values(await m.client.jobs.list()).map((j) => j.id.split(':').slice(0, 2).join(':')).sort(), ['api:2', 'web:1']);

    const before = await dumpDb(m.dbPath);
    const stale = { file: api.file, digest: 'oid-api' }; // the entry of c1, no longer the master's
    const refused = await expectError(t, m.client.sync.apply('infra', commit('c3', [{ file: web.file, digest: 'oid-web' }, stale])), 'SYNC_ENTRY_UNKNOWN');
    t.regex(refused.message, /1 entries .* by reference .*jobs\/api\.yaml.*send every entry in full/);
    await expectError(t, m.client.sync.apply('other', commit('c1', [{ file: web.file, digest: 'oid-web' }])), 'SYNC_ENTRY_UNKNOWN');
    t.deepEqual(await dumpDb(m.dbPath), before, 'nothing changed, not even the source record');
    t.like(await m.client.sync.source('infra'), { lastAttemptedCommit: 'c2', state: 'OK' });

    // After a refused reference the master still has c2's entries: a reference to them works.
    t.is((await m.client.sync.apply('infra', commit('c3', [{ file: web.file, digest: 'oid-web' }, { file: api.file, digest: 'oid-api-2' }]))).state, 'APPLIED');
    t.like(await m.client.sync.source('infra'), { lastAppliedCommit: 'c3' });
  });

  test(`${engine}: an entry is full (spec, hosts, goal) or a reference (file and digest only): anything between is a 400 naming the entry`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const cases: Array<[unknown, RegExp]> = [
      [{ ...file('web', { digest: 'd' }), goal: 'RESTART' }, /^body\.jobs\.0\.goal: /],
      [{ file: 'jobs/web.yaml', spec: { name: 'web', version: '1', image: 'busybox:latest' }, goal: 'START', digest: 'd' }, /^body\.jobs\.0\.hosts: is required$/],
      [{ file: 'jobs/web.yaml', digest: 'd', hosts: ['h1'] }, /^body\.jobs\.0: an entry has spec, hosts and goal, or is sent by reference with only file and digest$/],
      [{ file: 'jobs/web.yaml' }, /^body\.jobs\.0: an entry has spec/],
    ];
    const before = await dumpDb(m.dbPath);
    for (const [entry, message] of cases) {
      const err = await expectError(t, m.client.sync.apply('infra', commit('c1', [entry as SyncJob])), 'INVALID_REQUEST');
      t.regex(err.message, message);
    }
    t.deepEqual(await dumpDb(m.dbPath), before);
  });

  test(`${engine}: two entries for one file refuse the commit with an error on that file`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const result = await m.client.sync.apply('infra', commit('c1', [file('web'), { ...file('api'), file: 'jobs/web.yaml' }]));
    t.is(result.state, 'REFUSED');
    t.deepEqual(result.errors, [{ file: 'jobs/web.yaml', message: 'the request has two entries for this file; one entry per file' }]);
    t.deepEqual(await m.client.jobs.list(), {});
  });

  test(`${engine}: a source follows the repository, branch and path of its first sync: another one is refused with SOURCE_MISMATCH naming both, and nothing changes`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    t.is((await m.client.sync.apply('apps', commit('a1', [file('web')], teamA))).state, 'APPLIED');
    const before = await dumpDb(m.dbPath);
    // Each of these would prune web:1 if it were taken: an empty set from another repo, branch or path.
    for (const other of [teamB, { ...teamA, branch: 'staging' }, { ...teamA, path: 'deploy' }]) {
      const err = await expectError(t, m.client.sync.apply('apps', commit('b1', [], other)), 'SOURCE_MISMATCH');
      t.true(err.message.startsWith(`sync source apps follows ${teamA.repo} branch main path jobs, but this request is from ${other.repo} branch ${other.branch} path ${other.path}: `), err.message);
      t.regex(err.message, /give this syncer its own --name/);
      t.deepEqual(err.data.recorded, teamA);
      t.deepEqual(err.data.requested, other);
      await expectError(t, m.client.sync.apply('apps', commit('b1', [], { ...other, dryRun: true })), 'SOURCE_MISMATCH');
      // By reference too: the identity is checked before the entries are looked up.
      await expectError(t, m.client.sync.apply('apps', commit('b1', [{ file: 'jobs/web.yaml', digest: 'nope' }], other)), 'SOURCE_MISMATCH');
    }
    t.deepEqual(await dumpDb(m.dbPath), before, 'no prune, no source record change');
    t.like(await m.client.sync.source('apps'), { ...teamA, lastAppliedCommit: 'a1', lastAttemptedCommit: 'a1', state: 'OK' });
  });

  test(`${engine}: one repository spelled another way is the same source: credentials, .git, trailing slash, host case, http(s), ./path/`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const first = await m.client.sync.apply('apps', commit('a1', [file('web')], { ...teamA, repo: 'https://x-access-token:s3cr3t@git.example/team-a/apps.git' }));
    t.is(first.state, 'APPLIED');
    t.is((await m.client.sync.source('apps')).repo, teamA.repo, 'the credentials are not recorded');
    for (const repo of ['https://git.example/team-a/apps', 'https://GIT.Example/team-a/apps.git/', 'http://git.example/team-a/apps/', 'https://oauth2:other@git.example/team-a/apps.git']) {
      const result = await m.client.sync.apply('apps', commit('a2', [file('web')], { ...teamA, repo, path: './jobs/' }));
      t.is(result.state, 'APPLIED', repo);
    }
    t.like(await m.client.sync.source('apps'), { ...teamA, lastAppliedCommit: 'a2' });
    // The path of a URL keeps its case: Team-A is another repository to the master.
    await expectError(t, m.client.sync.apply('apps', commit('a3', [file('web')], { ...teamA, repo: 'https://git.example/Team-A/apps.git' })), 'SOURCE_MISMATCH');
    // A local working copy and its git dir are one repository.
    await m.client.sync.apply('local', commit('l1', [], { ...teamA, repo: '/srv/deploy' }));
    t.is((await m.client.sync.apply('local', commit('l2', [], { ...teamA, repo: '/srv/deploy/.git/' }))).state, 'APPLIED');
  });

  test(`${engine}: adopt re-points a source that moved: the new repository is recorded and applied, and the old one is then refused`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await m.client.sync.apply('apps', commit('a1', [file('web'), file('api')], teamA));
    // A dry run with adopt plans against what the source owns and records nothing.
    const before = await dumpDb(m.dbPath);
    const planned = await m.client.sync.apply('apps', commit('b1', [file('api')], { ...teamB, adopt: true, dryRun: true }));
    t.deepEqual(planned.actions.map((a) => `${a.action} ${a.jobId.split(':')[0]}`), ['undeploy web', 'remove web']);
    t.deepEqual(await dumpDb(m.dbPath), before);

    const adopted = await m.client.sync.apply('apps', commit('b1', [file('api')], { ...teamB, adopt: true }));
    t.is(adopted.state, 'APPLIED');
    t.like(await m.client.sync.source('apps'), { ...teamB, lastAppliedCommit: 'b1' });
    t.deepEqual(Object.values(await m.client.jobs.list()).map((j) => j.id.split(':')[0]), ['api']);
    t.is((await m.client.sync.apply('apps', commit('b2', [file('api')], teamB))).state, 'APPLIED', 'later passes need no adopt');
    const err = await expectError(t, m.client.sync.apply('apps', commit('a2', [file('web'), file('api')], teamA)), 'SOURCE_MISMATCH');
    t.deepEqual(err.data.recorded, teamB);
  });

  test(`${engine}: adopt needs an admin token: a sync token bound to the source may sync it but not re-point it`, async (t) => {
    const m = await startTestMaster({ engine, tokens: [{ token: 'admin-token', role: 'admin', name: 'root' }, { token: 'sync-token', role: 'sync', name: 'ci', sources: ['apps'] }] });
    t.teardown(m.close);
    const ci = m.clientWith({ token: 'sync-token' });
    t.is((await ci.sync.apply('apps', commit('a1', [file('web')], teamA))).state, 'APPLIED');
    const before = await dumpDb(m.dbPath);
    const refused = await expectError(t, ci.sync.apply('apps', commit('b1', [], { ...teamB, adopt: true })), 'FORBIDDEN');
    t.regex(refused.message, /token "ci" .* may not adopt .*needs role admin/);
    t.deepEqual(await dumpDb(m.dbPath), before);
    t.is((await m.clientWith({ token: 'admin-token' }).sync.apply('apps', commit('b1', [], { ...teamB, adopt: true }))).state, 'APPLIED');
  });

  test(`${engine}: an admin registers a source before its first sync: another repository is refused from the start, the registered one is applied`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    const registered = await m.client.sync.register('apps', { ...teamA, repo: 'https://user:pw@git.example/team-a/apps.git', path: 'jobs/' });
    t.deepEqual(registered, { name: 'apps', ...teamA, lastPlan: null, lastAppliedCommit: null, lastAttemptedCommit: null, state: 'REGISTERED', errors: [], warnings: [], lastSync: null, lastAttempt: null });
    t.deepEqual(await m.client.sync.sources(), [registered]);
    await expectError(t, m.client.sync.apply('apps', commit('b1', [file('web')], teamB)), 'SOURCE_MISMATCH');
    t.deepEqual(await m.client.jobs.list(), {});
    t.is((await m.client.sync.apply('apps', commit('a1', [file('web')], teamA))).state, 'APPLIED');
    t.like(await m.client.sync.source('apps'), { state: 'OK', lastAppliedCommit: 'a1' });

    // Registering again re-points the source and keeps what it applied; its next sync comes from there.
    t.like(await m.client.sync.register('apps', teamB), { ...teamB, state: 'OK', lastAppliedCommit: 'a1' });
    await expectError(t, m.client.sync.apply('apps', commit('a2', [file('web')], teamA)), 'SOURCE_MISMATCH');
    t.is((await m.client.sync.apply('apps', commit('b1', [file('web')], teamB))).state, 'APPLIED');

    const before = await dumpDb(m.dbPath);
    for (const [body, message] of [[{ ...teamA, repo: '' }, /repo/], [{ repo: teamA.repo, branch: 'main' }, /path/], [{ ...teamA, extra: 1 }, /extra/]] as const) {
      const err = await expectError(t, m.client.sync.register('apps', body as typeof teamA), 'INVALID_REQUEST');
      t.regex(err.message, message);
    }
    t.deepEqual(await dumpDb(m.dbPath), before);
  });

  test(`${engine}: a source is deleted only when it owns nothing (STILL_IN_USE before); an unknown one is SOURCE_NOT_FOUND`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await m.client.sync.apply('apps', commit('a1', [file('web')], teamA));
    const before = await dumpDb(m.dbPath);
    const busy = await expectError(t, m.client.sync.remove('apps'), 'STILL_IN_USE');
    t.regex(busy.message, /sync source apps still owns 1 job\(s\) and 1 deployment\(s\) \(owner git:apps\): commit an empty folder/);
    t.deepEqual(await dumpDb(m.dbPath), before);
    await expectError(t, m.client.sync.remove('nope'), 'SOURCE_NOT_FOUND');

    await m.client.sync.apply('apps', commit('a2', [], teamA));
    t.deepEqual(await m.client.sync.remove('apps'), { status: 'OK' });
    await expectError(t, m.client.sync.source('apps'), 'SOURCE_NOT_FOUND');
    // The name is free again: its next first sync records whatever it comes from.
    t.is((await m.client.sync.apply('apps', commit('b1', [file('web')], teamB))).state, 'APPLIED');
    t.like(await m.client.sync.source('apps'), teamB);
  });

  test(`${engine}: a refused commit records when it was tried (lastAttempt) and keeps lastSync, the time of the last one applied`, async (t) => {
    const m = await startTestMaster({ engine });
    t.teardown(m.close);
    await m.client.sync.apply('infra', commit('c1', [file('web')], {}));
    const applied = await m.client.sync.source('infra');
    t.is(applied.lastAttempt, applied.lastSync);
    await new Promise((resolve) => setTimeout(resolve, 5));
    t.is((await m.client.sync.apply('infra', commit('c2', [file('web', {}, { comand: ['x'] })]))).state, 'REFUSED');
    const refused = await m.client.sync.source('infra');
    t.is(refused.lastSync, applied.lastSync);
    t.true((refused.lastAttempt ?? 0) > (applied.lastSync ?? Infinity));
    t.is((await m.client.sync.apply('infra', commit('c3', [file('web')], { dryRun: true }))).state, 'PLANNED');
    t.is((await m.client.sync.source('infra')).lastAttempt, refused.lastAttempt, 'a dry run records nothing');
  });
}

// SQLite only: a file of schema 4 (before lastAttempt). The PostgreSQL store came at schema 7, so no
// PostgreSQL database is that old.
test('sqlite: an older database (schema 4, before lastAttempt) starts with lastAttempt = lastSync', async (t) => {
  const old = await testDatabase(t, 'sqlite');
  const db = new Database(old);
  for (const migration of migrations.slice(0, 4)) db.exec(migration);
  db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL); INSERT INTO meta VALUES ('schemaVersion', 4), ('index', 1)");
  db.exec("INSERT INTO sync_sources (name, repo, branch, path, last_applied_commit, last_attempted_commit, state, last_sync, modify_index) VALUES ('ops', 'r', 'main', 'jobs', 'c1', 'c1', 'OK', 1234, 1)");
  db.close();
  const upgraded = await startTestMaster({ dbPath: old });
  t.teardown(upgraded.close);
  t.like(await upgraded.client.sync.source('ops'), { lastSync: 1234, lastAttempt: 1234 });
});
