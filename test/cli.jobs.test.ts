/** `helios create / jobs / inspect / remove` against a real master. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { startTestMaster, type TestMaster } from './harness/master.js';
import { tempDir } from './harness/processes.js';
import { helios, heliosOnTerminal, tableRows } from './cliHarness.js';

async function master(t: ExecutionContext): Promise<TestMaster> {
  // helios-master --allow-host-path /srv: the create test mounts /srv/data.
  const m = await startTestMaster({ admission: { hostPaths: ['/srv'] } });
  t.teardown(m.close);
  return m;
}

test('create foo:v1 rohan/memcached-tiny prints the guide\'s job and id', async (t) => {
  const m = await master(t);
  const r = await helios(m, ['create', 'foo:v1', 'rohan/memcached-tiny']);
  t.is(r.code, 0, r.stderr);
  const id = 'foo:v1:2a89d5a87851d68678aabdad38d31faa296f5bf1';
  t.is(r.stderr, `Creating job: {"id":"${id}","image":"rohan/memcached-tiny","command":[],"env":{},"ports":{},"registration":{}}\nDone.\n`);
  t.is(r.stdout, `${id}\n`);
  t.is((await m.client.jobs.get(id)).owner, 'cli');
});

test('create with env, ports, volumes, a health check and a command after --', async (t) => {
  const m = await master(t);
  const r = await helios(m, ['create', 'web:2', 'busybox:latest', '--env', 'FOO=bar', '--env', 'X=a=b', '-p', 'http=8080',
    '-p', 'dns=127.0.0.1:53:5353/udp', '--volume', '/srv/data:/data:ro', '--http-check', 'http:/healthz', '--token', 'tok',
    '--seconds-to-wait', '1', '--', '/bin/sh', '-c', 'echo $FOO; sleep 1000']);
  t.is(r.code, 0, r.stderr);
  const job = await m.client.jobs.get(r.lastLine);
  t.deepEqual(job.command, ['/bin/sh', '-c', 'echo $FOO; sleep 1000']);
  t.deepEqual(job.env, { FOO: 'bar', X: 'a=b' });
  t.deepEqual(job.ports, { http: { internalPort: 8080, protocol: 'tcp' }, dns: { ip: '127.0.0.1', internalPort: 53, externalPort: 5353, protocol: 'udp' } });
  t.deepEqual(job.volumes, { '/data:ro': '/srv/data' });
  t.deepEqual(job.healthCheck, { type: 'http', port: 'http', path: '/healthz' });
  t.is(job.token, 'tok');
  t.is(job.secondsToWaitBeforeKill, 1);
  t.regex(r.stderr, /^Creating job: \{"id":"web:2:[0-9a-f]{40}","image":"busybox:latest","command":\["\/bin\/sh","-c","echo \$FOO; sleep 1000"\],"env":\{"FOO":"bar","X":"a=b"\}/);
});

test('create --json prints the id, the job and warnings', async (t) => {
  const m = await master(t);
  const r = await helios(m, ['create', 'foo:v1', 'busybox:latest', '--json']);
  t.is(r.code, 0, r.stderr);
  const body = r.json<{ id: string; job: { image: string }; warnings: string[] }>();
  t.deepEqual(Object.keys(body), ['id', 'job', 'warnings']);
  t.regex(body.id, /^foo:v1:[0-9a-f]{40}$/);
  t.is(body.job.image, 'busybox:latest');
  t.is(r.stderr, '');
});

test('create the same name and version with another config is JOB_ALREADY_EXISTS', async (t) => {
  const m = await master(t);
  t.is((await helios(m, ['create', 'foo:v1', 'busybox:latest'])).code, 0);
  const r = await helios(m, ['create', 'foo:v1', 'busybox:1']);
  t.is(r.code, 1);
  t.regex(r.stderr, /^helios: .*foo:v1/m);
});

test('bad -p, --env, --volume and health-check specs exit 1 naming the spec, and create nothing', async (t) => {
  const m = await master(t);
  const cases: [string[], RegExp][] = [
    [['-p', 'http=80:99999'], /invalid port spec "http=80:99999": external port "99999"/],
    [['-p', 'nope'], /invalid port spec "nope": expected name=/],
    [['--env', 'FOO'], /invalid env spec "FOO": expected KEY=VALUE/],
    [['--volume', 'data'], /invalid volume spec "data"/],
    [['--http-check', 'http'], /--http-check expects PORT_NAME:\/path/],
    [['--tcp-check', 'a', '--exec-check', 'true'], /only one of --http-check, --tcp-check and --exec-check/],
    [['--grace-period', 'soon'], /--grace-period expects a whole number of seconds/],
  ];
  for (const [flags, message] of cases) {
    const r = await helios(m, ['create', 'bad:1', 'busybox:latest', ...flags]);
    t.is(r.code, 1, flags.join(' '));
    t.regex(r.stderr, message);
    t.is(r.stderr.split('\n').filter(Boolean).length, 1, 'one line');
  }
  t.deepEqual(await m.client.jobs.list(), {});
});

test('an invalid job exits 1 with every rule it breaks, before asking the master', async (t) => {
  const m = await master(t);
  const r = await helios(m, ['create', 'bad:1', 'Not An Image!', '--hostname=-x-']);
  t.is(r.code, 1);
  t.regex(r.stderr, /^helios: .*image.*hostname|^helios: .*hostname.*image/);
  const json = await helios(m, ['create', 'bad:1', 'Not An Image!', '--json']);
  t.is(json.json<{ status: string }>().status, 'INVALID_JOB_DEFINITION');
  t.true(Array.isArray(json.json<{ errors: unknown[] }>().errors));
  t.deepEqual(await m.client.jobs.list(), {});
});

test('missing NAME:VERSION or IMAGE exits 1 with the usage', async (t) => {
  const m = await master(t);
  const r = await helios(m, ['create']);
  t.is(r.code, 1);
  t.regex(r.stderr, /missing NAME:VERSION/);
  const noImage = await helios(m, ['create', 'foo:v1']);
  t.regex(noImage.stderr, /missing IMAGE/);
});

test('a command given without -- exits 1 saying where it goes, and creates nothing', async (t) => {
  const m = await master(t);
  const r = await helios(m, ['create', 'foo:v1', 'busybox', 'httpd']);
  t.is(r.code, 1);
  t.regex(r.stderr, /unexpected argument 'httpd': put the container command after --, e\.g\. helios create foo:v1 busybox -- httpd/);
  t.deepEqual(await m.client.jobs.list(), {});
  t.is((await helios(m, ['create', 'foo', 'v1', 'busybox'])).code, 0, "Helios' old NAME VERSION IMAGE form still works");
});

test('create -f takes a GitOps YAML job file (its deploy block ignored) or a JSON job', async (t) => {
  const m = await master(t);
  const dir = await tempDir('helios-cli-');
  t.teardown(dir.cleanup);
  const yamlFile = join(dir.path, 'web.yaml');
  await writeFile(yamlFile, 'name: web\nversion: "1"\nimage: busybox:latest\nenv: { GREETING: hello }\ndeploy:\n  hosts: [agent-1]\n');
  const fromYaml = await helios(m, ['create', '-f', yamlFile]);
  t.is(fromYaml.code, 0, fromYaml.stderr);
  t.regex(fromYaml.lastLine, /^web:1:[0-9a-f]{40}$/);
  t.deepEqual((await m.client.jobs.get(fromYaml.lastLine)).env, { GREETING: 'hello' });

  const jsonFile = join(dir.path, 'api.json');
  await writeFile(jsonFile, JSON.stringify({ id: 'api:3', image: 'busybox:latest', command: ['sleep', '9'] }));
  const fromJson = await helios(m, ['create', '-f', jsonFile, '--env', 'A=1']);
  t.is(fromJson.code, 0, fromJson.stderr);
  const job = await m.client.jobs.get(fromJson.lastLine);
  t.deepEqual([job.command, job.env], [['sleep', '9'], { A: '1' }]);
});

test('create -f with a YAML error names the file and line; a missing file says so', async (t) => {
  const m = await master(t);
  const dir = await tempDir('helios-cli-');
  t.teardown(dir.cleanup);
  const file = join(dir.path, 'broken.yaml');
  await writeFile(file, 'name: web\nversion: "1"\nimage: [busybox\n');
  const r = await helios(m, ['create', '-f', file]);
  t.is(r.code, 1);
  t.regex(r.stderr, new RegExp(`^helios: ${file.replace(/[.]/g, '\\.')}:\\d+: `));
  const missing = await helios(m, ['create', '-f', join(dir.path, 'nope.yaml')]);
  t.is(missing.code, 1);
  t.regex(missing.stderr, /cannot read job file .*nope\.yaml: no such file/);
});

test('create -t copies an existing job, then the options override it', async (t) => {
  const m = await master(t);
  const base = await helios(m, ['create', 'web:1', 'busybox:latest', '--env', 'A=1', '--', 'sleep', '100']);
  t.is(base.code, 0, base.stderr);
  const r = await helios(m, ['create', 'web:2', '-t', 'web:1', '--env', 'B=2']);
  t.is(r.code, 0, r.stderr);
  const job = await m.client.jobs.get(r.lastLine);
  t.is(job.image, 'busybox:latest');
  t.deepEqual(job.command, ['sleep', '100']);
  t.deepEqual(job.env, { A: '1', B: '2' });
});

test('jobs lists ids shortened, full with -f, only ids with -q, deployed only with -y', async (t) => {
  const m = await master(t);
  const a = (await helios(m, ['create', 'alpha:1', 'busybox:latest', '--env', 'K=v', '--', 'sleep', '1 0'])).lastLine;
  const b = (await helios(m, ['create', 'beta:2', 'busybox:latest'])).lastLine;
  await m.client.hosts.register('h1', 'id-1');
  await m.client.deployments.deploy('h1', b);

  const r = await helios(m, ['jobs']);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(tableRows(r.stdout), [
    ['JOB ID', 'NAME', 'VERSION', 'HOSTS', 'COMMAND', 'ENVIRONMENT'],
    [a.slice(0, 'alpha:1:'.length + 7), 'alpha', '1', '0', 'sleep "1 0"', 'K=v'],
    [b.slice(0, 'beta:2:'.length + 7), 'beta', '2', '1'],
  ]);
  t.is((await helios(m, ['jobs', '-f'])).stdout.split('\n')[1].split(/\s+/)[0], a);
  t.is((await helios(m, ['jobs', '-q', '-f'])).stdout, `${a}\n${b}\n`);
  t.is((await helios(m, ['jobs', '-y', '-q', '-f'])).stdout, `${b}\n`);
  t.is((await helios(m, ['jobs', 'alph', '-q', '-f'])).stdout, `${a}\n`);

  const json = await helios(m, ['jobs', '--json']);
  t.deepEqual(Object.keys(json.json<object>()), [a, b]);
  t.is(json.json<Record<string, { image: string }>>()[a].image, 'busybox:latest');
  t.deepEqual((await helios(m, ['jobs', '-q', '--json'])).json(), [a, b]);
});

test('jobs with a pattern that matches nothing exits 1', async (t) => {
  const m = await master(t);
  const r = await helios(m, ['jobs', 'nothing']);
  t.is(r.code, 1);
  t.is(r.stderr.trim(), 'helios: job pattern nothing matched no jobs');
});

test('inspect prints labelled lines; --json prints the job', async (t) => {
  const m = await master(t);
  const id = (await helios(m, ['create', 'web:1', 'busybox:latest', '--env', 'A=1', '-p', 'http=80', '--tcp-check', 'http',
    '--volume', '/data', '--', 'httpd', '-f'])).lastLine;
  const r = await helios(m, ['inspect', 'web']);
  t.is(r.code, 0, r.stderr);
  const lines = Object.fromEntries(r.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
  t.like(lines, { Id: id, Image: 'busybox:latest', Command: 'httpd -f', Env: 'A=1', 'Health check': 'tcp port=http',
    Ports: 'http=dynamic->80/tcp', Volumes: '<anonymous>:/data', Expires: 'never', Owner: 'cli',
    'Grace period (seconds)': '0 (default)', 'Time to wait before kill (seconds)': '120 (default)', Init: 'no' });
  t.regex(lines.Created, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC$/);
  const json = await helios(m, ['inspect', id, '--json']);
  t.like(json.json(), { id, image: 'busybox:latest', command: ['httpd', '-f'] });
});

test('an unknown job and an ambiguous reference exit 1 with their message', async (t) => {
  const m = await master(t);
  await helios(m, ['create', 'web:1', 'busybox:latest']);
  await helios(m, ['create', 'web:2', 'busybox:latest']);
  const unknown = await helios(m, ['inspect', 'nope']);
  t.is(unknown.code, 1);
  t.is(unknown.stderr.trim(), 'helios: Unknown job: nope');
  const ambiguous = await helios(m, ['inspect', 'web']);
  t.is(ambiguous.code, 1);
  t.regex(ambiguous.stderr, /^helios: Ambiguous job reference: web matches web:1:[0-9a-f]{40}, web:2:[0-9a-f]{40}\n$/);
  const json = await helios(m, ['history', 'web', '--json']);
  t.like(json.json(), { status: 'AMBIGUOUS_JOB_REFERENCE' });
});

test('remove asks; on a non-terminal stdin it refuses and says to use --yes', async (t) => {
  const m = await master(t);
  const id = (await helios(m, ['create', 'web:1', 'busybox:latest'])).lastLine;
  const refused = await helios(m, ['remove', 'web:1']);
  t.is(refused.code, 1);
  t.regex(refused.stderr, /^helios: Remove job web:1:[0-9a-f]{40}: stdin is not a terminal, so nothing can be asked; use --yes\n$/);
  t.truthy(await m.client.jobs.get(id));
  const r = await helios(m, ['remove', 'web:1', '--yes']);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, `${id}: removed\n`);
  t.deepEqual(await m.client.jobs.list(), {});
});

test('remove on a terminal asks (zx question): n keeps the job, y removes it', async (t) => {
  const m = await master(t);
  const id = (await helios(m, ['create', 'web:1', 'busybox:latest'])).lastLine;
  const kept = await heliosOnTerminal(m, ['remove', 'web:1'], [[/Remove job web:1:[0-9a-f]{40}\? \[y\/N\] /, 'n']]);
  t.is(kept.code, 1, kept.output);
  t.regex(kept.output, /Aborted\./);
  t.truthy(await m.client.jobs.get(id));
  const removed = await heliosOnTerminal(m, ['remove', 'web:1'], [[/\[y\/N\] /, 'y']]);
  t.is(removed.code, 0, removed.output);
  t.regex(removed.output, new RegExp(`${id}: removed`));
  t.deepEqual(await m.client.jobs.list(), {});
});

test('remove of a deployed job exits 1 with STILL_IN_USE; of a job with a token needs it', async (t) => {
  const m = await master(t);
  const id = (await helios(m, ['create', 'web:1', 'busybox:latest', '--token', 'tok'])).lastLine;
  const forbidden = await helios(m, ['remove', 'web:1', '--yes']);
  t.is(forbidden.code, 1);
  t.regex(forbidden.stderr, /^helios: job web:1:\w+ has a token: .*--token/m);
  await m.client.hosts.register('h1', 'id-1');
  await m.client.deployments.deploy('h1', id, { token: 'tok' });
  const inUse = await helios(m, ['remove', 'web:1', '--yes', '--token', 'tok', '--json']);
  t.is(inUse.code, 1);
  t.is(inUse.json<{ status: string }>().status, 'STILL_IN_USE');
  await m.client.deployments.undeploy('h1', id, { token: 'tok' });
  const removed = await helios(m, ['remove', 'web:1', '--yes', '--token', 'tok', '--json']);
  t.is(removed.code, 0, removed.stderr);
  t.deepEqual(removed.json(), { jobId: id, status: 'OK' });
});
