import test from 'ava';
import { imageRefProblem, normalizeImage, parseImageRef } from './image.js';

const digest = `sha256:${'a'.repeat(64)}`;

test('parseImageRef splits registry, repository, tag and digest', (t) => {
  t.deepEqual(parseImageRef('busybox'), { repository: 'busybox' });
  t.deepEqual(parseImageRef('busybox:1.36'), { repository: 'busybox', tag: '1.36' });
  t.deepEqual(parseImageRef('foo/bar:1'), { repository: 'foo/bar', tag: '1' });
  t.deepEqual(parseImageRef('localhost:5000/x'), { registry: 'localhost:5000', repository: 'x' });
  t.deepEqual(parseImageRef('registry.example.com/team/sub/web:v1.0-rc_1'), { registry: 'registry.example.com', repository: 'team/sub/web', tag: 'v1.0-rc_1' });
  t.deepEqual(parseImageRef(`web@${digest}`), { repository: 'web', digest });
  t.deepEqual(parseImageRef(`127.0.0.1:5000/web:2@${digest}`), { registry: '127.0.0.1:5000', repository: 'web', tag: '2', digest });
  t.deepEqual(parseImageRef('foo.bar'), { repository: 'foo.bar' });
});

test('normalizeImage gives the fully qualified form', (t) => {
  t.is(normalizeImage('busybox'), 'docker.io/library/busybox:latest');
  t.is(normalizeImage('busybox:latest'), 'docker.io/library/busybox:latest');
  t.is(normalizeImage('docker.io/busybox'), 'docker.io/library/busybox:latest');
  t.is(normalizeImage('index.docker.io/library/busybox:1'), 'docker.io/library/busybox:1');
  t.is(normalizeImage('foo/bar'), 'docker.io/foo/bar:latest');
  t.is(normalizeImage('localhost:5000/x'), 'localhost:5000/x:latest');
  t.is(normalizeImage('localhost/x:2'), 'localhost/x:2');
  t.is(normalizeImage(`busybox@${digest}`), `docker.io/library/busybox@${digest}`);
  t.is(normalizeImage(`busybox:1@${digest}`), `docker.io/library/busybox:1@${digest}`);
});

test('bad image references say what is wrong', (t) => {
  const cases: Array<[string, string]> = [
    ['', 'must not be empty'],
    ['  ', 'must not be empty'],
    ['http://registry/x', 'must not contain a scheme (://)'],
    ['busy box', 'must not contain spaces'],
    ['Busybox', 'repository part "Busybox" may only contain a-z, 0-9, ".", "_" and "-"'],
    ['foo//bar', 'repository must not have empty parts (//, or a leading or trailing /)'],
    ['foo/', 'repository must not have empty parts (//, or a leading or trailing /)'],
    ['busybox:', 'tag "" must be 1-128 letters, digits, "_", "." or "-", not starting with "." or "-"'],
    ['busybox:.x', 'tag ".x" must be 1-128 letters, digits, "_", "." or "-", not starting with "." or "-"'],
    [`busybox:${'a'.repeat(129)}`, `tag "${'a'.repeat(129)}" must be 1-128 letters, digits, "_", "." or "-", not starting with "." or "-"`],
    ['busybox@sha256:xyz', 'digest "sha256:xyz" must be algorithm:hex, e.g. sha256:<64 hex digits>'],
    ['host:99999/x', 'registry port "99999" must be between 0 and 65535'],
    ['-bad.host/x', 'registry "-bad.host" must be host[:port]'],
    ['registry.example.com/', 'repository must not be empty'],
  ];
  for (const [ref, problem] of cases) t.is(imageRefProblem(ref), problem, ref);
  t.is(imageRefProblem(`busybox:${'a'.repeat(128)}`), null);
});

test('parseImageRef throws INVALID_ARGUMENT naming the reference', (t) => {
  const err = t.throws(() => parseImageRef('Bad'));
  t.is((err as { code?: string }).code, 'INVALID_ARGUMENT');
  t.is(err!.message, 'invalid image reference "Bad": repository part "Bad" may only contain a-z, 0-9, ".", "_" and "-"');
});

// Helios' JobValidatorTest (testValidImagePasses, testInvalidImagesFail): outcomes, not wording.
const heliosDigest = 'sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae';

test("Helios' valid images are valid, a registry host ending in '.' included", (t) => {
  for (const ref of [
    'repo', 'namespace/repo', 'namespace/repo:tag', 'namespace/repo:1.2', 'reg.istry:4711/repo', 'reg.istry.:4711/repo',
    'reg.istry:4711/namespace/repo', 'reg.istry.:4711/namespace/repo', '1.2.3.4:4711/namespace/repo',
    'registry.test.net:80/fooo/bar', 'registry.test.net.:80/fooo/bar', `namespace/foo@${heliosDigest}`, `foo.net/bar@${heliosDigest}`,
    'foo@tarsum.v1+sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b',
    `baz.io/foo/foo-bar:1.2.3-SNAPSHOT-20170830T143321-decafbad@${heliosDigest}`,
    `baz.io:4711/foo/foo-bar:1.2.3-SNAPSHOT-20170830T143321-decafbad@${heliosDigest}`,
    'b.gcr.io/cloudsql-docker/gce-proxy:1.05', 'b.gcr.io/cloudsql-docker/and/more/components/gce-proxy:1.05',
  ]) t.is(imageRefProblem(ref), null, ref);
  t.deepEqual(parseImageRef('reg.istry.:4711/namespace/repo'), { registry: 'reg.istry.:4711', repository: 'namespace/repo' });
});

test("Helios' invalid images are invalid, a repository over 255 characters included", (t) => {
  for (const ref of [
    'repo:', `repo:@${heliosDigest}`, 'foo@', 'foo@:123', 'foo:bar@:123', 'foo@sha256:', 'foo:bar@sha256:', 'foo:4711/baz:bar@sha256:',
    'repo:/', '1.2.3.4.:4711/namespace/repo', ' reg.istry:4711/repo', 'reg .istry:4711/repo', 'reg.istry :4711/repo',
    `1.2.3.4.:4711/namespace/repo@${heliosDigest}`, 'reg.istry: 4711/repo', 'reg.istry:4711 /repo', 'reg.istry:4711/ repo',
    'reg.istry:4711/namespace /repo', 'reg.istry:4711/namespace/ repo', 'reg.istry:4711/namespace/repo ',
    'foo-.ba|z/namespace/baz', 'reg..istry/namespace/baz', 'reg..istry/namespace/baz:foo', `reg..istry/namespace/baz@${heliosDigest}`,
    'foo:345345345/namespace/baz', 'foo:345345345/namespace/baz:bar', 'foo:-17/namespace/baz', 'foo/bar:a b c',
    `${'foo'.repeat(100)}/bar`,
  ]) t.not(imageRefProblem(ref), null, ref);
  t.is(imageRefProblem(`${'foo'.repeat(100)}/bar`), 'repository must be at most 255 characters (it has 304)');
  t.is(imageRefProblem(`${'a'.repeat(255)}:1`), null);
  t.is(imageRefProblem('1.2.3.4.:4711/x'), 'registry "1.2.3.4.:4711" must be host[:port]');
});
