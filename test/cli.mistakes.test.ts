/** What `helios` says to the mistakes a newcomer makes: a typo, a missing `--`, an unknown host, no master running. */
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { startTestMaster, type TestMaster } from './harness/master.js';
import { freePort, tempDir } from './harness/processes.js';
import { helios } from './cliHarness.js';
import { DEFAULT_MASTER } from '../cli/argv.js';

/** A real master (no agent: a deploy is only recorded) with these hosts registered and the job web:1. */
async function masterWithJob(t: ExecutionContext, hosts: string[] = []): Promise<{ m: TestMaster; id: string }> {
  const m = await startTestMaster();
  t.teardown(m.close);
  await Promise.all(hosts.map((host) => m.client.hosts.register(host, `agent-id-${host}`)));
  const { id } = await m.client.jobs.create({ name: 'web', version: '1', image: 'busybox:latest' });
  return { m, id };
}

async function emptyMaster(t: ExecutionContext): Promise<TestMaster> {
  const m = await startTestMaster();
  t.teardown(m.close);
  return m;
}

test('a mistyped command gets the command it most likely meant; a word like none gets only the pointer to --help', async (t) => {
  const typo = await helios(null, ['hsots']);
  t.is(typo.code, 1);
  t.is(typo.stderr, "helios: unknown command 'hsots'; did you mean 'hosts'? (see helios --help)\n");
  t.is((await helios(null, ['help', 'deplyo'])).stderr, "helios: unknown command 'deplyo'; did you mean 'deploy'? (see helios --help)\n");
  t.is((await helios(null, ['frobnicate'])).stderr, "helios: unknown command 'frobnicate' (see helios --help)\n");
});

test('create with a container command but no -- says to put it after --, showing the fixed line; nothing is created', async (t) => {
  const m = await emptyMaster(t);
  const r = await helios(m, ['create', 'x:1', 'busybox', 'httpd', '-f', '-p', '8080']);
  t.is(r.code, 1);
  t.is(r.stderr, "helios: 'httpd …' looks like the container's command: put it after --, e.g. helios create x:1 busybox -- httpd -f -p 8080 (see helios create --help)\n");
  const withPort = await helios(m, ['create', 'web:1', 'busybox:latest', '-p', 'http=8080:18081', 'sh', '-c', "echo 'hi'"]);
  t.is(withPort.code, 1);
  t.regex(withPort.stderr, /e\.g\. helios create web:1 busybox:latest -p http=8080:18081 -- sh -c 'echo '\\''hi'\\''' /);
  const oldForm = await helios(m, ['create', 'x', '1', 'busybox', 'sleep', '-x']);
  t.regex(oldForm.stderr, /e\.g\. helios create x 1 busybox -- sleep -x /);
  t.deepEqual(await m.client.jobs.list(), {});
  // An unknown option right after the image is only that.
  t.is((await helios(m, ['create', 'x:1', 'busybox', '-x'])).stderr, 'helios: unknown option -x for helios create (see helios create --help)\n');
});

test('create -f refuses an unknown field of the file, nested ones too, naming the file and the field it most likely meant', async (t) => {
  const m = await emptyMaster(t);
  const dir = await tempDir('helios-cli-');
  t.teardown(dir.cleanup);
  const file = join(dir.path, 'web.yaml');
  await writeFile(file, '# yaml-language-server: $schema=../core/schema/job.schema.json\nname: web\nversion: "1"\nimage: busybox:latest\n'
    + 'comand: [httpd, -f]\nports:\n  http: { internalPrt: 8080 }\ndeploy:\n  hosts: [local]\n');
  const r = await helios(m, ['create', '-f', file]);
  t.is(r.code, 1);
  t.is(r.stderr, `helios: ${file}: comand: unknown field; did you mean command?; ports.http.internalPrt: unknown field; did you mean internalPort?\n`);
  const json = await helios(m, ['create', '-f', file, '--json']);
  t.like(json.json(), { status: 'INVALID_JOB_DEFINITION', file, errors: [{ path: 'comand' }, { path: 'ports.http.internalPrt' }] });
  t.deepEqual(await m.client.jobs.list(), {});

  const good = join(dir.path, 'api.json');
  await writeFile(good, JSON.stringify({ $schema: '../core/schema/job.schema.json', name: 'api', version: '1', image: 'busybox:latest', deploy: { hosts: ['h'] } }));
  const ok = await helios(m, ['create', '-f', good]);
  t.is(ok.code, 0, ok.stderr);
  t.regex(ok.lastLine, /^api:1:[0-9a-f]{40}$/);
});

test('deploy to an unknown host lists the known ones, with the one it most likely meant', async (t) => {
  const { m } = await masterWithJob(t, ['agent-1', 'agent-2', 'db-1', 'db-2', 'web-1', 'web-2']);
  const r = await helios(m, ['deploy', 'web:1', 'agnet-1', 'nosuchhost', 'web-1']);
  t.is(r.code, 1);
  t.is(r.stdout, [
    'agnet-1: failed: HOST_NOT_FOUND (host agnet-1 not found; did you mean agent-1? known hosts: agent-1, agent-2, db-1, db-2, web-1, … (6 in all: helios hosts))',
    'nosuchhost: failed: HOST_NOT_FOUND (host nosuchhost not found; known hosts: agent-1, agent-2, db-1, db-2, web-1, … (6 in all: helios hosts))',
    'web-1: done', '',
  ].join('\n'));
  const json = await helios(m, ['deploy', 'web:1', 'agnet-1', '--json']);
  const [result] = json.json<{ results: { host: string; status: string; message: string }[] }>().results;
  t.like(result, { host: 'agnet-1', status: 'HOST_NOT_FOUND' });
  t.regex(result.message, /^host agnet-1 not found; did you mean agent-1\? known hosts: agent-1, /);

  const { m: empty } = await masterWithJob(t);
  t.is((await helios(empty, ['deploy', 'web:1', 'h1'])).stdout,
    'h1: failed: HOST_NOT_FOUND (host h1 not found; no host has registered yet (start helios-agent on it, or npm start here))\n');
});

test("deploy JOB local deploys on this machine's agent: the host named like this machine, else the only host of a master on 127.0.0.1", async (t) => {
  const { m: named, id } = await masterWithJob(t, ['other', hostname()]);
  const r = await helios(named, ['deploy', 'web:1', 'local']);
  t.is(r.code, 0, r.stdout);
  t.is(r.stderr, `Deploying Deployment{jobId=${id}, goal=START} on [${hostname()}]\n`);
  t.is(r.stdout, `${hostname()}: done\n`);
  t.deepEqual(Object.keys((await named.client.jobs.status(id)).deployments), [hostname()]);

  const { m: solo, id: soloId } = await masterWithJob(t, ['solo-agent']);
  const single = await helios(solo, ['deploy', 'web:1', 'local', '--json']);
  t.is(single.code, 0, single.stdout);
  t.like(single.json(), { hosts: ['solo-agent'], results: [{ host: 'solo-agent', status: 'OK' }] });
  t.deepEqual(Object.keys((await solo.client.jobs.status(soloId)).deployments), ['solo-agent']);

  const { m: two } = await masterWithJob(t, ['a1', 'a2']);
  const none = await helios(two, ['deploy', 'web:1', 'local']);
  t.is(none.code, 1);
  t.is(none.stdout, `local: failed: HOST_NOT_FOUND ('local' is this machine's agent, but no host is named ${hostname()}; known hosts: a1, a2)\n`);
});

test('with no master at the default address, the message asks whether npm start is running; another address keeps the plain hint', async (t) => {
  // The default address must be free for "connection refused"; a master running there (npm start) would answer.
  const port = Number(new URL(DEFAULT_MASTER).port);
  const probe = createServer();
  await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(port, '127.0.0.1', resolve))
    .catch((err: Error) => { throw new Error(`${DEFAULT_MASTER} is in use (${err.message}): stop what listens there (npm start?) to run this test`); });
  await new Promise((resolve) => probe.close(resolve));
  const r = await helios(null, ['jobs'], { env: { HELIOS_MASTER: undefined } });
  t.is(r.code, 1);
  t.is(r.stderr, `helios: cannot reach the master at ${DEFAULT_MASTER}: connection refused (set -z or HELIOS_MASTER to another master; is \`npm start\` (or helios solo) running?)\n`);
  const other = `http://127.0.0.1:${await freePort()}`;
  t.is((await helios({ url: other }, ['jobs'])).stderr, `helios: cannot reach the master at ${other}: connection refused (set -z or HELIOS_MASTER)\n`);
});
