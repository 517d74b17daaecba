/**
 * Helios' JobCreateCommandTest replayed through the real `helios create` against a real master:
 * the same outcomes and shapes (exit codes, fields stored, what is printed where), not its wording.
 * The pure flag-to-field cases are in cli/createSpec.test.ts.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { startTestMaster, type TestMaster } from './harness/master.js';
import { tempDir } from './harness/processes.js';
import { helios } from './cliHarness.js';

async function master(t: ExecutionContext): Promise<TestMaster> {
  // testValidJobCreateCommand's capabilities and SELinux option need the master's allow-list (Helios: --whitelisted-capability).
  const m = await startTestMaster({ admission: { capabilities: ['NET_ADMIN', 'SYS_TIME'], securityOpts: ['label:user:dxia'] } });
  t.teardown(m.close);
  return m;
}

async function jobFile(t: ExecutionContext, content: object): Promise<string> {
  const dir = await tempDir('helios-parity-');
  t.teardown(dir.cleanup);
  const file = join(dir.path, 'job_config.json');
  await writeFile(file, JSON.stringify(content));
  return file;
}

test('testValidJobCreateCommand: -f, --exec-check, --security-opt, --network-mode, -m, --labels, capabilities, --runtime, --rollout-options', async (t) => {
  const m = await master(t);
  const file = await jobFile(t, { env: { JVM_ARGS: '-Ddw.feature.randomFeatureFlagEnabled=true' }, gracePeriod: 100 });
  const r = await helios(m, ['create', 'foo:123', 'busybox:latest', '-f', file, '--exec-check', 'touch /this',
    '--security-opt', 'label:user:dxia', '--security-opt', 'apparmor:foo', '--network-mode', 'bridge',
    '-m', 'a=1', '-m', 'b=2', '--labels', 'a=b', '--labels', 'c=d',
    '--add-capability', 'NET_ADMIN', '--add-capability', 'SYS_TIME', '--drop-capability', 'MKNOD', '--drop-capability', 'CHOWN',
    '--runtime', 'nvidia', '--rollout-options', 'overlap=true', '--rollout-options', 'parallelism=2', '--rollout-options', 'foo=bar']);
  t.is(r.code, 0, r.stderr);
  const job = await m.client.jobs.get(r.lastLine);
  t.like(job, {
    env: { JVM_ARGS: '-Ddw.feature.randomFeatureFlagEnabled=true' }, gracePeriod: 100,
    metadata: { a: '1', b: '2' }, labels: { a: 'b', c: 'd' },
    healthCheck: { type: 'exec', command: ['touch', '/this'] },
    securityOpt: ['label:user:dxia', 'apparmor:foo'], networkMode: 'bridge',
    addCapabilities: ['NET_ADMIN', 'SYS_TIME'], dropCapabilities: ['MKNOD', 'CHOWN'], runtime: 'nvidia',
  });
  t.deepEqual(job.rolloutOptions, { overlap: true, parallelism: 2 });
  t.is(job.expires, undefined);
  const lines = r.stderr.split('\n');
  t.is(lines[0], 'warning: --rollout-options: ignored foo (known: timeout, parallelism, migrate, overlap, token, ignoreFailures)');
  t.true(lines[1].startsWith('Creating job: {'), r.stderr);
  t.like(JSON.parse(lines[1].slice('Creating job: '.length)), { runtime: 'nvidia', rolloutOptions: { overlap: true, parallelism: 2 } });
});

test('testJobCreateCommandFailsWithInvalidJobId: a name without a version exits 1 and creates nothing', async (t) => {
  const m = await master(t);
  const r = await helios(m, ['create', 'foo', 'busybox:latest']);
  t.is(r.code, 1);
  t.deepEqual(await m.client.jobs.list(), {});
});

test('testJobCreateCommandFailsWithInvalidPortProtocol: --json gives a status and exit 1', async (t) => {
  const m = await master(t);
  const r = await helios(m, ['create', 'foo:123', 'busybox:latest', '-p', 'dns=53:53/http', '--json']);
  t.is(r.code, 1);
  t.like(r.json(), { status: 'INVALID_ARGUMENT' });
  t.regex(r.json<{ message: string }>().message, /protocol "http"/);
});

test('testJobCreateCommandFailsWithInvalidFilePath: a missing -f file exits 1', async (t) => {
  const m = await master(t);
  const r = await helios(m, ['create', 'foo:123', 'busybox:latest', '-f', 'non/existant/file']);
  t.is(r.code, 1);
  t.regex(r.stderr, /cannot read job file non\/existant\/file/);
});

test('testMetadataPicksUpEnvVars: GIT_COMMIT in the environment is stored as metadata', async (t) => {
  const m = await master(t);
  const r = await helios(m, ['create', 'foo:123', 'busybox:latest', '-m', 'foo=bar'], { env: { GIT_COMMIT: 'abcdef1234' } });
  t.is(r.code, 0, r.stderr);
  t.deepEqual((await m.client.jobs.get(r.lastLine)).metadata, { foo: 'bar', GIT_COMMIT: 'abcdef1234' });
  const printed = JSON.parse(r.stderr.split('\n')[0].slice('Creating job: '.length)) as { metadata: object };
  t.deepEqual(printed.metadata, { GIT_COMMIT: 'abcdef1234', foo: 'bar' });
});

test('testAddMetadataFromJsonFile, testLabelsFromJsonFile, testRuntimeFromCliOverridesJsonFile', async (t) => {
  const m = await master(t);
  const file = await jobFile(t, { metadata: { foo: 'bar', baz: 'qux' }, labels: { foo: 'bar', baz: 'qux' }, runtime: 'nvidia' });
  const r = await helios(m, ['create', 'foo:123', 'busybox:latest', '-f', file, '-m', 'baz=qux2', '--runtime', 'rkt']);
  t.is(r.code, 0, r.stderr);
  t.like(await m.client.jobs.get(r.lastLine), { metadata: { foo: 'bar', baz: 'qux2' }, labels: { foo: 'bar', baz: 'qux' }, runtime: 'rkt' });
});

test('-q prints only the id; -r and --registration-domain register the port', async (t) => {
  const m = await master(t);
  const r = await helios(m, ['create', '-q', 'web:1', 'busybox:latest', '-p', 'http=8080', '-r', 'wordpress', '--registration-domain', 'svc.example']);
  t.is(r.code, 0, r.stderr);
  t.is(r.stderr, '');
  t.regex(r.stdout, /^web:1:[0-9a-f]{40}\n$/);
  t.like(await m.client.jobs.get(r.lastLine), { registration: { 'wordpress/http': { ports: { http: {} } } }, registrationDomain: 'svc.example' });
});

test('-e is --expires; -e FOO=bar exits 1 pointing to --env and creates nothing', async (t) => {
  const m = await master(t);
  const r = await helios(m, ['create', 'web:1', 'busybox:latest', '-e', 'FOO=bar']);
  t.is(r.code, 1);
  t.is(r.stderr, 'helios: -e is --expires (an ISO 8601 date), as in Helios; for an environment variable write --env FOO=bar\n');
  t.deepEqual(await m.client.jobs.list(), {});
  const expiring = await helios(m, ['create', 'web:1', 'busybox:latest', '-e', '2100-01-01T00:00:00Z']);
  t.is(expiring.code, 0, expiring.stderr);
  t.is((await m.client.jobs.get(expiring.lastLine)).expires, '2100-01-01T00:00:00.000Z');
});
