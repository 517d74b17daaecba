/**
 * Token roles and admission against a real master over HTTPS (one per engine, SQLite and PostgreSQL) with a private CA: each role allowed and
 * refused on each kind of route, privileged job fields refused for a deploy token (through the API
 * and through a git commit) and admitted for an admin token, and the audit log naming the token.
 */
import test from 'ava';
import { readTlsFiles, type ErrorCode, type HeliosClient, type JobSpec, type SyncApplyRequest } from '../core/index.js';
import type { TokenEntry } from '../master/auth/tokenFile.js';
import { makeCerts, type TestCerts } from './harness/certs.js';
import { expectError, heartbeatBody, startTestMaster, type TestMaster } from './harness/master.js';
import { ENGINES } from './harness/engines.js';

const tokens: TokenEntry[] = [
  { token: 'admin-token-0123456789', role: 'admin', name: 'alice' },
  { token: 'deploy-token-0123456789', role: 'deploy', name: 'ci' },
  { token: 'read-token-0123456789', role: 'read', name: 'dashboard' },
  { token: 'agent-token-0123456789', role: 'agent', name: 'agent-a', host: 'host-a' },
  { token: 'sync-token-0123456789', role: 'sync', name: 'apps-syncer', sources: ['apps'] },
];
type Who = 'alice' | 'ci' | 'dashboard' | 'agent-a' | 'apps-syncer';

let certs: TestCerts;

// Serial: made before the masters' hooks, which run at once.
test.serial.before(async () => { certs = await makeCerts(); });
test.after.always(async () => { await certs?.cleanup(); });

const plain = (name: string): JobSpec => ({ id: `${name}:1`, image: 'busybox:latest', command: ['sleep', '1000'] });
let n = 0;
const fresh = () => plain(`job${++n}`);

/** Resolves to 'ok' or the error code the call failed with. */
const outcome = (call: Promise<unknown>): Promise<'ok' | ErrorCode> =>
  call.then(() => 'ok' as const, (err: { code?: ErrorCode }) => err.code ?? 'INTERNAL_ERROR');

const privileged: Array<[string, Partial<JobSpec>, string]> = [
  ['the host root mounted', { volumes: { '/host': '/' } }, 'volumes./host: mounts the host\'s root'],
  ['the Docker socket', { volumes: { '/var/run/docker.sock': '/var/run/docker.sock' } }, 'volumes./var/run/docker.sock: gives the container the Docker socket'],
  ['the host network', { networkMode: 'host' }, 'networkMode: host shares the host\'s network'],
  ['an unconfined seccomp profile', { securityOpt: ['seccomp=unconfined'] }, 'securityOpt.0: seccomp=unconfined turns a confinement off'],
  // Docker runs this JSON profile (what `docker run --security-opt seccomp=FILE` sends) with every syscall allowed.
  ['a seccomp profile of its own allowing every syscall', { securityOpt: ['seccomp={"defaultAction":"SCMP_ACT_ALLOW"}'] },
    'securityOpt.0: seccomp={"defaultAction":"SCMP_ACT_ALLOW"} replaces the engine\'s seccomp profile'],
  ['an unconfined SELinux type', { securityOpt: ['label=type:spc_t'] }, 'securityOpt.0: label=type:spc_t sets the container\'s SELinux type'],
  ['an added capability', { addCapabilities: ['SYS_ADMIN'] }, 'addCapabilities.0: SYS_ADMIN is not allowed by this master'],
];

function syncBody(files: Array<[string, JobSpec]>, dryRun = false): SyncApplyRequest {
  return {
    repo: 'https://git.example/ops/apps.git', branch: 'main', path: 'jobs', commit: `c${++n}`, dryRun, errors: [],
    jobs: files.map(([file, spec]) => ({ file, spec, hosts: ['host-b'], goal: 'START', lines: { name: 1, volumes: 4 } })),
  };
}

for (const engine of ENGINES) {
  let master: TestMaster;
  const as: Record<Who | 'nobody' | 'wrong', HeliosClient> = {} as never;

  test.before(async () => {
    const tls = readTlsFiles({ ca: certs.caFile });
    master = await startTestMaster({ engine, tls: certs.serverTls(), tokens, clientTls: tls });
    for (const t of tokens) as[t.name as Who] = master.clientWith({ token: t.token });
    as.nobody = master.clientWith({ token: '' });
    as.wrong = master.clientWith({ token: 'not-a-token-0123456789' });
    await as['agent-a'].hosts.register('host-a', 'id-a');
    await as.alice.hosts.register('host-b', 'id-b');
  });
  test.after.always(async () => { await master?.close(); });

  // Each kind of route, called by each role. A sync of source "other" by the apps syncer, and agent calls
  // for host-b by host-a's agent, are the bound roles' refusals.
  const routes: Array<[string, (c: HeliosClient) => Promise<unknown>, Record<Who, 'ok' | ErrorCode>]> = [
    ['GET /version', (c) => c.version(), { alice: 'ok', ci: 'ok', dashboard: 'ok', 'agent-a': 'ok', 'apps-syncer': 'ok' }],
    ['GET /jobs', (c) => c.jobs.list(), { alice: 'ok', ci: 'ok', dashboard: 'ok', 'agent-a': 'FORBIDDEN', 'apps-syncer': 'FORBIDDEN' }],
    ['GET /hosts', (c) => c.hosts.list(), { alice: 'ok', ci: 'ok', dashboard: 'ok', 'agent-a': 'FORBIDDEN', 'apps-syncer': 'FORBIDDEN' }],
    ['GET /audit', (c) => c.audit(), { alice: 'ok', ci: 'ok', dashboard: 'ok', 'agent-a': 'FORBIDDEN', 'apps-syncer': 'FORBIDDEN' }],
    ['POST /jobs', (c) => c.jobs.create(fresh()), { alice: 'ok', ci: 'ok', dashboard: 'FORBIDDEN', 'agent-a': 'FORBIDDEN', 'apps-syncer': 'FORBIDDEN' }],
    ['PUT /hosts/:host/jobs/:job', async (c) => {
      const { id } = await as.alice.jobs.create(fresh());
      return c.deployments.deploy('host-b', id);
    }, { alice: 'ok', ci: 'ok', dashboard: 'FORBIDDEN', 'agent-a': 'FORBIDDEN', 'apps-syncer': 'FORBIDDEN' }],
    ['DELETE /jobs/:id', async (c) => {
      const { id } = await as.alice.jobs.create(fresh());
      return c.jobs.remove(id);
    }, { alice: 'ok', ci: 'ok', dashboard: 'FORBIDDEN', 'agent-a': 'FORBIDDEN', 'apps-syncer': 'FORBIDDEN' }],
    ['DELETE /hosts/:host', async (c) => {
      const host = `gone-${++n}`;
      await as.alice.hosts.register(host, 'x');
      return c.hosts.deregister(host);
    }, { alice: 'ok', ci: 'FORBIDDEN', dashboard: 'FORBIDDEN', 'agent-a': 'FORBIDDEN', 'apps-syncer': 'FORBIDDEN' }],
    ['POST /agents/host-a/heartbeat', (c) => c.agents.heartbeat('host-a', heartbeatBody('id-a')),
      { alice: 'ok', ci: 'FORBIDDEN', dashboard: 'FORBIDDEN', 'agent-a': 'ok', 'apps-syncer': 'FORBIDDEN' }],
    ['POST /agents/host-b/heartbeat', (c) => c.agents.heartbeat('host-b', heartbeatBody('id-b')),
      { alice: 'ok', ci: 'FORBIDDEN', dashboard: 'FORBIDDEN', 'agent-a': 'FORBIDDEN', 'apps-syncer': 'FORBIDDEN' }],
    ['GET /agents/host-a/tasks', (c) => c.agents.tasks('host-a', 0, 0, { agentId: 'id-a' }),
      { alice: 'ok', ci: 'ok', dashboard: 'ok', 'agent-a': 'ok', 'apps-syncer': 'FORBIDDEN' }],
    ['PUT /hosts/host-b (register)', (c) => c.hosts.register('host-b', 'id-b'),
      { alice: 'ok', ci: 'FORBIDDEN', dashboard: 'FORBIDDEN', 'agent-a': 'FORBIDDEN', 'apps-syncer': 'FORBIDDEN' }],
    ['PUT /sync/sources/apps (dry run)', (c) => c.sync.apply('apps', syncBody([], true)),
      { alice: 'ok', ci: 'ok', dashboard: 'FORBIDDEN', 'agent-a': 'FORBIDDEN', 'apps-syncer': 'ok' }],
    ['PUT /sync/sources/other (dry run)', (c) => c.sync.apply('other', syncBody([], true)),
      { alice: 'ok', ci: 'ok', dashboard: 'FORBIDDEN', 'agent-a': 'FORBIDDEN', 'apps-syncer': 'FORBIDDEN' }],
  ];

  for (const [route, call, expected] of routes) {
    test.serial(`${engine}: ${route}: each role allowed or refused`, async (t) => {
      for (const [who, want] of Object.entries(expected) as Array<[Who, 'ok' | ErrorCode]>) t.is(await outcome(call(as[who])), want, who);
      t.is(await outcome(call(as.nobody)), 'UNAUTHORIZED', 'no token');
      t.is(await outcome(call(as.wrong)), 'UNAUTHORIZED', 'an unknown token');
    });
  }

  test.serial(`${engine}: a refusal is 403 naming the role that would be needed; a missing or unknown token is 401`, async (t) => {
    const err = await expectError(t, as.dashboard.jobs.create(fresh()), 'FORBIDDEN');
    t.is(err.message, 'token "dashboard" (role read) may not POST /jobs: it needs role deploy');
    const agent = await expectError(t, as['agent-a'].agents.heartbeat('host-b', heartbeatBody('id-b')), 'FORBIDDEN');
    t.is(agent.message, 'token "agent-a" (the agent of host host-a) may not POST /agents/:host/heartbeat: it needs role admin, or the agent of host host-b');
    const sync = await expectError(t, as['apps-syncer'].sync.apply('other', syncBody([], true)), 'FORBIDDEN');
    t.is(sync.message, 'token "apps-syncer" (role sync, sources apps) may not PUT /sync/sources/:name: it needs role deploy, or a sync token for source other');
    t.is((await expectError(t, as.nobody.jobs.list(), 'UNAUTHORIZED')).message, 'this master needs a bearer token: set HELIOS_TOKEN (Authorization: Bearer <token>)');
    t.is((await expectError(t, as.wrong.jobs.list(), 'UNAUTHORIZED')).message, 'the bearer token is not one this master accepts');
  });

  test.serial(`${engine}: whoami names each token and its role; only an admin is free of the admission policy`, async (t) => {
    const ci = await as.ci.whoami();
    const clusterId = ci.clusterId;
    t.regex(clusterId, /^[0-9a-f-]{36}$/);
    t.deepEqual(ci, { name: 'ci', role: 'deploy', anonymous: false, clusterId, admission: { hostPaths: [], networkModes: [], capabilities: [], securityOpts: [] } });
    t.deepEqual(await as.alice.whoami(), { name: 'alice', role: 'admin', anonymous: false, clusterId, admission: null });
    t.like(await as['agent-a'].whoami(), { name: 'agent-a', role: 'agent', host: 'host-a' });
    t.like(await as['apps-syncer'].whoami(), { name: 'apps-syncer', role: 'sync', sources: ['apps'] });
  });

  for (const [what, fields, field] of privileged) {
    test.serial(`${engine}: a deploy token cannot create a job with ${what}; an admin token can`, async (t) => {
      const spec = { ...fresh(), ...fields };
      const err = await expectError(t, as.ci.jobs.create(spec), 'FORBIDDEN');
      t.true(err.message.includes(`may not create: ${field}`), err.message);
      t.true(err.message.includes('token "ci" (role deploy)'), err.message);
      t.false(Object.hasOwn(await as.alice.jobs.list(), spec.id!), 'nothing was created');
      const { id } = await as.alice.jobs.create(spec);
      t.truthy((await as.ci.jobs.get(id)).id, 'the admin created it; a deployer may then deploy it');
      await as.ci.deployments.deploy('host-b', id);
    });
  }

  test.serial(`${engine}: a git commit with a privileged job from a deploy or sync token is refused whole, the file named; an admin token applies it`, async (t) => {
    const files: Array<[string, JobSpec]> = [
      ['jobs/web.yaml', { name: 'web', version: '1', image: 'busybox:latest' }],
      ['jobs/rooted.yaml', { name: 'rooted', version: '1', image: 'busybox:latest', volumes: { '/host': '/' } }],
    ];
    for (const who of ['ci', 'apps-syncer'] as const) {
      const result = await as[who].sync.apply('apps', syncBody(files));
      t.is(result.state, 'REFUSED', who);
      t.deepEqual(result.errors.map((e) => [e.file, e.line]), [['jobs/rooted.yaml', 4]], who);
      t.regex(result.errors[0].message, /^volumes\.\/host: mounts the host's root: .* \(or sync with an admin token\)$/);
    }
    const jobs = await as.alice.jobs.list();
    t.false(Object.keys(jobs).some((id) => id.startsWith('web:') || id.startsWith('rooted:')), 'the whole commit was refused');
    t.is((await as.alice.sync.apply('apps', syncBody(files))).state, 'APPLIED');
    t.true(Object.keys(await as.alice.jobs.list()).some((id) => id.startsWith('rooted:1:')));
  });

  test.serial(`${engine}: the audit log records which token made each write`, async (t) => {
    const { id } = await as.ci.jobs.create(fresh());
    await as.ci.deployments.deploy('host-b', id);
    await as.alice.deployments.setGoal('host-b', id, 'STOP');
    await as.ci.deployments.undeploy('host-b', id);
    const { events } = await as.dashboard.audit({ job: id });
    t.deepEqual(events.map((e) => [e.action, e.token, e.user, e.host ?? null]), [
      ['undeploy', 'ci', 'tester', 'host-b'],
      ['set-goal', 'alice', 'tester', 'host-b'],
      ['deploy', 'ci', 'tester', 'host-b'],
      ['create', 'ci', 'tester', null],
    ]);
    const syncs = (await as.dashboard.audit({ limit: 1000 })).events.filter((e) => e.action === 'sync');
    t.true(syncs.some((e) => e.token === 'alice' && e.source === 'apps'), 'an applied commit is recorded with its token');
    const page = await as.dashboard.audit({ limit: 2 });
    const next = await as.dashboard.audit({ limit: 2, before: page.events[1].seq });
    t.true(next.events.every((e) => e.seq < page.events[1].seq), 'pages go back in time');
  });

  test(`${engine}: without a token file every request is anonymous: every route is open, but privileged fields still need the master's allow flags`, async (t) => {
    const open = await startTestMaster({ engine, admission: { hostPaths: ['/srv'] } });
    t.teardown(open.close);
    t.like(await open.client.whoami(), { name: 'anonymous', role: 'admin', anonymous: true, admission: { hostPaths: ['/srv'] } });
    await open.client.hosts.register('h', 'id');
    await open.client.hosts.deregister('h');
    const err = await expectError(t, open.client.jobs.create({ ...plain('rooted'), volumes: { '/host': '/' } }), 'FORBIDDEN');
    t.regex(err.message, /^job rooted:1:[0-9a-f]{40} asks for privileged fields that a request without a token \(the master has no token file\) may not create: volumes\.\/host: mounts the host's root/);
    t.truthy((await open.client.jobs.create({ ...plain('data'), volumes: { '/data': '/srv/data' } })).id, 'what the master allows is admitted');
    const { events } = await open.client.audit();
    t.deepEqual(events.map((e) => [e.action, e.token]), [['create', 'anonymous'], ['deregister', 'anonymous'], ['register', 'anonymous']]);
  });

  test.serial(`${engine}: an entry sent by reference is recalled only from the same token's requests: a deployer cannot plant a privileged spec for an admin's syncer to apply`, async (t) => {
    const body = (spec: JobSpec | undefined, dryRun = false): SyncApplyRequest => ({
      ...syncBody([], dryRun), jobs: [spec ? { file: 'jobs/web.yaml', spec, hosts: ['host-b'], goal: 'START', digest: 'blob-1' } : { file: 'jobs/web.yaml', digest: 'blob-1' }],
    });
    const web: JobSpec = { name: 'planted', version: '1', image: 'busybox:latest' };
    t.is((await as.alice.sync.apply('infra', body(web))).state, 'APPLIED', 'the admin\'s syncer applies the file');
    // The deployer knows the file's blob id (it can read the repository) and sends its own spec under it.
    const planted = await as.ci.sync.apply('infra', body({ ...web, version: '2', volumes: { '/host': '/' } }, true));
    t.is(planted.state, 'REFUSED', 'held to admission itself');
    const next = await as.alice.sync.apply('infra', body(undefined));
    t.is(next.state, 'APPLIED');
    t.deepEqual(next.actions, [], 'the admin\'s reference is to the admin\'s own entry: nothing changes');
    t.false(Object.keys(await as.alice.jobs.list()).some((id) => id.startsWith('planted:2:')), 'no job with the host root was created');
  });
}
