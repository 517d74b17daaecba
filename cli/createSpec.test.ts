/**
 * `create`'s flags → job spec, replaying Helios' JobCreateCommandTest (helios-tools) where the logic
 * is pure: same fields, same merges, same refusals (our messages, not Helios' wording).
 */
import { parseArgs } from 'node:util';
import test from 'ava';
import type { HeliosError } from '../core/errors/HeliosError.js';
import { buildJob } from '../core/model/buildJob.js';
import type { JobSpec } from '../core/schema/job.js';
import { createOptions, createSpec } from './createSpec.js';

/** The flags as `helios create` parses them: `args` are the words after `create`. */
function specOf(args: string[], base: JobSpec = {} as JobSpec, env: NodeJS.ProcessEnv = {}) {
  const { values, positionals } = parseArgs({ args, options: createOptions, allowPositionals: true, strict: true });
  return createSpec(base, positionals, values, [], env);
}

const refuses = (args: string[], message: RegExp, base?: JobSpec) => {
  const err = (() => { try { specOf(args, base); } catch (e) { return e as HeliosError; } return undefined; })();
  return err?.code === 'INVALID_ARGUMENT' && message.test(err.message) ? true : err?.message ?? 'did not throw';
};

// Helios' src/test/resources/job_config.json
const jobConfigJson = { env: { JVM_ARGS: '-Ddw.feature.randomFeatureFlagEnabled=true' }, gracePeriod: 100 } as unknown as JobSpec;

test('JobCreateCommandTest.testValidJobCreateCommand: every flag lands in its field', (t) => {
  const { spec, warnings } = specOf(['foo:123', 'spotify/busybox:latest', '--exec-check', 'touch /this',
    '--security-opt', 'label:user:dxia', '--security-opt', 'apparmor:foo', '--network-mode', 'host',
    '-m', 'a=1', '--metadata', 'b=2', '--labels', 'a=b', '--labels', 'c=d', '--add-capability', 'cap1', '--add-capability', 'cap2',
    '--drop-capability', 'cap3', '--drop-capability', 'cap4', '--runtime', 'nvidia', '--registry-auth', 'team-ci',
    '--rollout-options', 'overlap=true', '--rollout-options', 'parallelism=2', '--rollout-options', 'foo=bar'], jobConfigJson);
  t.deepEqual(spec, {
    id: 'foo:123', image: 'spotify/busybox:latest',
    env: { JVM_ARGS: '-Ddw.feature.randomFeatureFlagEnabled=true' }, gracePeriod: 100,
    metadata: { a: '1', b: '2' }, labels: { a: 'b', c: 'd' },
    healthCheck: { type: 'exec', command: ['touch', '/this'] },
    securityOpt: ['label:user:dxia', 'apparmor:foo'], networkMode: 'host',
    addCapabilities: ['cap1', 'cap2'], dropCapabilities: ['cap3', 'cap4'], runtime: 'nvidia', registryAuth: 'team-ci',
    rolloutOptions: { overlap: true, parallelism: 2 },
  });
  t.deepEqual(warnings, ['--rollout-options: ignored foo (known: timeout, parallelism, migrate, overlap, token, ignoreFailures)']);
  t.is(buildJob(spec).job.expires, undefined);
});

test('JobCreateCommandTest.testJobCreateCommandFailsWithInvalidJobId: a name alone is refused', (t) => {
  t.true(refuses(['foo', 'spotify/busybox:latest'], /NAME:VERSION/));
});

test('JobCreateCommandTest.testJobCreateCommandFailsWithInvalidPortProtocol: dns=53:53/http is refused', (t) => {
  t.true(refuses(['foo:123', 'spotify/busybox:latest', '-p', 'dns=53:53/http'], /protocol "http" must be tcp or udp/));
});

test('JobCreateCommandTest.testMetadataPicksUpEnvVars: GIT_COMMIT from the environment joins -m', (t) => {
  const { spec } = specOf(['foo:123', 'spotify/busybox:latest', '-m', 'foo=bar'], undefined, { GIT_COMMIT: 'abcdef1234' });
  t.deepEqual(spec.metadata, { GIT_COMMIT: 'abcdef1234', foo: 'bar' });
  t.is(specOf(['foo:123', 'busybox']).spec.metadata, undefined, 'no GIT_COMMIT, no metadata');
  const explicit = specOf(['foo:123', 'busybox', '-m', 'GIT_COMMIT=mine'], { metadata: { GIT_COMMIT: 'file' } } as unknown as JobSpec, { GIT_COMMIT: 'env' });
  t.deepEqual(explicit.spec.metadata, { GIT_COMMIT: 'mine' }, '-m wins over the file, the file over the environment');
});

test('JobCreateCommandTest.testAddCapabilitiesFromJsonFile: the file\'s capabilities stay without the flags', (t) => {
  const file = { addCapabilities: ['cap_one', 'cap_two'], dropCapabilities: ['cap_three', 'cap_four'] } as unknown as JobSpec;
  const { spec } = specOf(['foo:123', 'foobar'], file);
  t.deepEqual([spec.addCapabilities, spec.dropCapabilities], [['cap_one', 'cap_two'], ['cap_three', 'cap_four']]);
  t.deepEqual(specOf(['foo:123', 'foobar', '--add-capability', 'X'], file).spec.addCapabilities, ['X'], 'a list flag replaces the file\'s');
});

test('JobCreateCommandTest.testAddMetadataFromJsonFile: -m merges into the file\'s metadata and wins', (t) => {
  const { spec } = specOf(['foo:123', 'foobar', '-m', 'baz=qux2'], { metadata: { foo: 'bar', baz: 'qux' } } as unknown as JobSpec);
  t.deepEqual(spec.metadata, { foo: 'bar', baz: 'qux2' });
});

test('JobCreateCommandTest.testLabelsFromJsonFile: the file\'s labels stay; --labels adds to them', (t) => {
  const file = { labels: { foo: 'bar', baz: 'qux' } } as unknown as JobSpec;
  t.deepEqual(specOf(['foo:123', 'foobar'], file).spec.labels, { foo: 'bar', baz: 'qux' });
  // Helios replaces the file's labels with the flags'; we merge them as env and metadata are merged.
  t.deepEqual(specOf(['foo:123', 'foobar', '--labels', 'baz=new'], file).spec.labels, { foo: 'bar', baz: 'new' });
});

test('JobCreateCommandTest.testRuntimeFromJsonFile and testRuntimeFromCliOverridesJsonFile', (t) => {
  const file = { runtime: 'nvidia' } as unknown as JobSpec;
  t.is(specOf(['foo:123', 'foobar'], file).spec.runtime, 'nvidia');
  t.is(specOf(['foo:123', 'foobar', '--runtime', 'rkt'], file).spec.runtime, 'rkt');
});

test('-e is --expires as in Helios; -e K=V points to --env', (t) => {
  t.is(specOf(['foo:1', 'busybox', '-e', '2030-06-01T12:00:00Z']).spec.expires, '2030-06-01T12:00:00Z');
  t.true(refuses(['foo:1', 'busybox', '-e', 'FOO=bar'], /^-e is --expires \(an ISO 8601 date\), as in Helios; for an environment variable write --env FOO=bar$/));
  t.deepEqual(specOf(['foo:1', 'busybox', '--env', 'FOO=bar']).spec.env, { FOO: 'bar' });
});

test('-r registers the job\'s only port, or the one named; the protocol defaults to http', (t) => {
  t.deepEqual(specOf(['foo:1', 'busybox', '-p', 'http=8080', '-r', 'wordpress']).spec.registration, { 'wordpress/http': { ports: { http: {} } } });
  const two = specOf(['foo:1', 'busybox', '-p', 'http=8080', '-p', 'admin=8081', '-r', 'website/tcp=http', '-r', 'ops=admin', '--registration-domain', 'svc.example']).spec;
  t.deepEqual(two.registration, { 'website/tcp': { ports: { http: {} } }, 'ops/http': { ports: { admin: {} } } });
  t.is(two.registrationDomain, 'svc.example');
  t.true(refuses(['foo:1', 'busybox', '-r', 'web'], /the job has no port to register/));
  t.true(refuses(['foo:1', 'busybox', '-p', 'a=1', '-p', 'b=2', '-r', 'web'], /the job has 2 ports \(a, b\): name one, e\.g\. web=a/));
  // The file's ports count for an implicit port, and its `web` (web/http) is the same endpoint.
  const file = { ports: { http: { internalPort: 80 } }, registration: { web: { ports: { http: {} } } } } as unknown as JobSpec;
  t.deepEqual(specOf(['foo:1', 'busybox', '-p', 'http=81', '-r', 'web'], file).spec.registration, { 'web/http': { ports: { http: {} } } });
  t.deepEqual(buildJob(specOf(['foo:1', 'busybox', '-p', 'http=8080', '-r', 'web']).spec).job.registration, { 'web/http': { ports: { http: {} } } });
});

test('-p with one name twice is refused (Helios: duplicate port mapping name); -p overrides the file\'s port', (t) => {
  t.true(refuses(['foo:1', 'busybox', '-p', 'http=80', '-p', 'http=81'], /-p names port 'http' twice/));
  const file = { ports: { http: { internalPort: 80 } } } as unknown as JobSpec;
  t.deepEqual(specOf(['foo:1', 'busybox', '-p', 'http=81'], file).spec.ports, { http: { internalPort: 81, protocol: 'tcp' } });
});

test('a template\'s id keeps its hash only while nothing changes', (t) => {
  const template = { id: 'foo:1:abc', image: 'busybox' } as unknown as JobSpec;
  t.is(specOf([], template).spec.id, 'foo:1:abc');
  t.is(specOf(['--env', 'A=1'], template).spec.id, 'foo:1');
  t.is(specOf(['--runtime', 'runc'], template).spec.id, 'foo:1');
  t.is(specOf([], template, { GIT_COMMIT: 'c0ffee' }).spec.id, 'foo:1', 'GIT_COMMIT changes the job too');
});
