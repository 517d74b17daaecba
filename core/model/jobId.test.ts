import test, { type ExecutionContext } from 'ava';
import { createHash } from 'node:crypto';
import { HashedJobSchema, type HashedJob } from '../schema/job.js';
import { buildJob } from './buildJob.js';
import { canonicalJson } from './canonicalJson.js';
import { jobHash, parseJobId } from './jobId.js';
import { javaHashSetOrder, javaStringHash } from './javaHashOrder.js';

const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex');

/** The hash as the reference defines it, from a canonical string written out by hand. */
const referenceHash = (job: HashedJob, canonical: string) => sha1(`${job.name}:${job.version}:${sha1(canonical)}`);

/** Asserts the canonical JSON byte for byte and that the id hash is sha1 over it. */
function assertCanonical(t: ExecutionContext, job: HashedJob, expected: string) {
  t.is(canonicalJson(HashedJobSchema, job), expected);
  t.is(jobHash(job), referenceHash(job, expected));
}

test('hash matches the Helios user guide vector', (t) => {
  const job = { name: 'foo', version: 'v1', image: 'rohan/memcached-tiny' };
  t.is(canonicalJson(HashedJobSchema, job), '{"image":"rohan/memcached-tiny","name":"foo","version":"v1"}');
  t.is(jobHash(job), '2a89d5a87851d68678aabdad38d31faa296f5bf1');
});

test('hash matches the Helios test vector foo:bar', (t) => {
  t.is(jobHash({ name: 'foo', version: 'bar', image: 'foo/bar:1' }), '3f5c6e4aef30e1ab68931dbd66a83226410b87e9');
});

test('buildJob gives the Helios vector id, from an id or from name and version', (t) => {
  t.is(buildJob({ id: 'foo:v1', image: 'rohan/memcached-tiny' }).job.id, 'foo:v1:2a89d5a87851d68678aabdad38d31faa296f5bf1');
  t.is(buildJob({ name: 'foo', version: 'bar', image: 'foo/bar:1' }).job.id, 'foo:bar:3f5c6e4aef30e1ab68931dbd66a83226410b87e9');
  t.is(buildJob({ id: 'foo:bar:3f5c6e4aef30e1ab68931dbd66a83226410b87e9', image: 'foo/bar:1' }).job.id,
    'foo:bar:3f5c6e4aef30e1ab68931dbd66a83226410b87e9');
});

test('registryAuth is outside the job id hash: a Helios job keeps its id with or without it, and a job file may give the hash', (t) => {
  const helios = 'foo:v1:2a89d5a87851d68678aabdad38d31faa296f5bf1';
  const { job } = buildJob({ id: 'foo:v1', image: 'rohan/memcached-tiny', registryAuth: 'team-pull' });
  t.is(job.id, helios);
  t.is(job.registryAuth, 'team-pull');
  t.is(buildJob({ id: helios, image: 'rohan/memcached-tiny', registryAuth: 'other' }).job.id, helios);
  t.false('registryAuth' in buildJob({ id: 'foo:v1', image: 'rohan/memcached-tiny' }).job);
  const err = t.throws(() => buildJob({ id: 'foo:v1', image: 'x', registryAuth: 'a b' }));
  t.deepEqual((err as unknown as { data: { errors: Array<{ path: string }> } }).data.errors.map((e) => e.path), ['registryAuth']);
});

test('empty lists, maps and strings in the job do not change the hash', (t) => {
  const plain = jobHash({ name: 'foo', version: 'v1', image: 'rohan/memcached-tiny' });
  t.is(jobHash({
    name: 'foo', version: 'v1', image: 'rohan/memcached-tiny', command: [], env: {}, ports: {}, registration: {},
    token: '', registrationDomain: '', volumes: {}, securityOpt: [], metadata: {}, labels: {}, ramdisks: {},
    addCapabilities: [], dropCapabilities: [],
  }), plain);
});

test('a job with every field serializes canonically, keys sorted at every level', (t) => {
  const job: HashedJob = {
    name: 'web', version: '1.0', image: 'registry.example.com:5000/team/web:1.0', hostname: 'web-1',
    command: ['httpd', '-f', '-p', '8080', ''],
    env: { b: '2', A: '1', '10': 'ten', '9': 'nine', EMPTY: '' },
    resources: { memory: 268435456, memorySwap: -1, cpuShares: 512, cpuset: '0-1' },
    ports: { http: { internalPort: 8080, externalPort: 18080, protocol: 'tcp' }, dns: { ip: '127.0.0.1', internalPort: 53, protocol: 'udp' } },
    registration: { 'web/http': { ports: { http: { tags: ['b', 'a'] } } }, 'dns/udp': { ports: { dns: {} } } },
    registrationDomain: 'example.com', gracePeriod: 5,
    volumes: { '/data:ro': '/srv/data', '/cache': '', '/named': 'myvolume' },
    expires: '2031-02-03T04:05:06.789Z', token: 'secret',
    healthCheck: { type: 'http', path: '/health', port: 'http' },
    securityOpt: ['no-new-privileges'], networkMode: 'bridge', metadata: { team: 'platform' },
    addCapabilities: ['NET_ADMIN'], dropCapabilities: ['MKNOD'], labels: { 'com.example.tier': 'front' },
    secondsToWaitBeforeKill: 3, ramdisks: { '/tmp': 'rw,size=64m' },
    rolloutOptions: { timeout: 300, parallelism: 2, migrate: false, overlap: true, token: 'rt', ignoreFailures: false },
    runtime: 'runc',
  };
  assertCanonical(t, job, '{"addCapabilities":["NET_ADMIN"],"command":["httpd","-f","-p","8080",""],'
    + '"dropCapabilities":["MKNOD"],"env":{"10":"ten","9":"nine","A":"1","EMPTY":"","b":"2"},'
    + '"expires":"2031-02-03T04:05:06.789+0000","gracePeriod":5,'
    + '"healthCheck":{"path":"/health","port":"http","type":"http"},"hostname":"web-1",'
    + '"image":"registry.example.com:5000/team/web:1.0","labels":{"com.example.tier":"front"},'
    + '"metadata":{"team":"platform"},"name":"web","networkMode":"bridge",'
    + '"ports":{"dns":{"internalPort":53,"ip":"127.0.0.1","protocol":"udp"},"http":{"externalPort":18080,"internalPort":8080,"protocol":"tcp"}},'
    + '"ramdisks":{"/tmp":"rw,size=64m"},'
    + '"registration":{"dns/udp":{"ports":{"dns":{}}},"web/http":{"ports":{"http":{"tags":["b","a"]}}}},'
    + '"registrationDomain":"example.com","resources":{"cpuShares":512,"cpuset":"0-1","memory":268435456,"memorySwap":-1},'
    + '"rolloutOptions":{"ignoreFailures":false,"migrate":false,"overlap":true,"parallelism":2,"timeout":300,"token":"rt"},'
    + '"runtime":"runc","secondsToWaitBeforeKill":3,"securityOpt":["no-new-privileges"],"token":"secret",'
    + '"version":"1.0","volumes":{"/cache":"","/data:ro":"/srv/data","/named":"myvolume"}}');
});

test('integer-like map keys sort as strings ("10" before "9"), not numerically', (t) => {
  const job = { name: 'n', version: 'v', image: 'busybox', env: { '9': 'a', '10': 'b', '100': 'c', '2': 'd' } };
  assertCanonical(t, job, '{"env":{"10":"b","100":"c","2":"d","9":"a"},"image":"busybox","name":"n","version":"v"}');
});

test('empty map values are kept while empty fields of a struct are dropped', (t) => {
  const job: HashedJob = {
    name: 'n', version: 'v', image: 'busybox', volumes: { '/tmp': '' }, env: { X: '' },
    ports: { port1: { internalPort: 0, protocol: 'tcp' } },
    registration: { 'svc/tcp': { ports: { port1: {} } }, 'other/tcp': { ports: {} } },
  };
  assertCanonical(t, job, '{"env":{"X":""},"image":"busybox","name":"n",'
    + '"ports":{"port1":{"internalPort":0,"protocol":"tcp"}},'
    + '"registration":{"other/tcp":{},"svc/tcp":{"ports":{"port1":{}}}},"version":"v","volumes":{"/tmp":""}}');
});

test('an empty struct stays, as Jackson never counts a bean as empty', (t) => {
  assertCanonical(t, { name: 'n', version: 'v', image: 'busybox', resources: {}, rolloutOptions: { migrate: false } },
    '{"image":"busybox","name":"n","resources":{},"rolloutOptions":{"migrate":false},"version":"v"}');
});

test('non-ASCII strings are written as UTF-8, not escaped, and hashed as UTF-8 bytes', (t) => {
  const job = { name: 'n', version: 'v', image: 'busybox', env: { GREETING: 'grüße ✓ 日本 😀', 'ÉTÉ': 'é' } };
  const canonical = '{"env":{"GREETING":"grüße ✓ 日本 😀","ÉTÉ":"é"},"image":"busybox","name":"n","version":"v"}';
  assertCanonical(t, job, canonical);
  t.is(jobHash(job), sha1(`n:v:${createHash('sha1').update(Buffer.from(canonical, 'utf8')).digest('hex')}`));
});

test('keys sort in UTF-16 code unit order, as Java strings do', (t) => {
  // U+FF21 (full-width A) is one unit 0xFF21; U+1F600 is the surrogate pair D83D DE00, so it sorts first.
  const job = { name: 'n', version: 'v', image: 'busybox', labels: { 'Ａ': '1', '😀': '2', z: '3', Z: '4' } };
  assertCanonical(t, job, '{"image":"busybox","labels":{"Z":"4","z":"3","😀":"2","Ａ":"1"},"name":"n","version":"v"}');
});

test('control characters are escaped as Jackson does, with upper-case hex', (t) => {
  const job = { name: 'n', version: 'v', image: 'busybox', command: ['a"b\\c', 'tab\tnl\ncr\rbs\bff\f', '\u0001\u001f\u007f'] };
  assertCanonical(t, job, '{"command":["a\\"b\\\\c","tab\\tnl\\ncr\\rbs\\bff\\f","\\u0001\\u001F\u007f"],"image":"busybox","name":"n","version":"v"}');
});

test('dates are hashed as UTC with milliseconds and +0000, whatever offset they were given in', (t) => {
  const expected = '{"expires":"2030-06-01T10:00:00.000+0000","image":"busybox","name":"n","version":"v"}';
  for (const expires of ['2030-06-01T10:00:00Z', '2030-06-01T12:00:00+02:00', '2030-06-01T12:00:00.000+0200', '2030-06-01T10:00:00']) {
    assertCanonical(t, { name: 'n', version: 'v', image: 'busybox', expires }, expected);
  }
  assertCanonical(t, { name: 'n', version: 'v', image: 'busybox', expires: '2030-06-01' },
    '{"expires":"2030-06-01T00:00:00.000+0000","image":"busybox","name":"n","version":"v"}');
});

test('numbers are written as plain integers, zero and negatives included', (t) => {
  assertCanonical(t, { name: 'n', version: 'v', image: 'busybox', gracePeriod: 0, secondsToWaitBeforeKill: 0, resources: { memory: 9007199254740991, memorySwap: -1 } },
    '{"gracePeriod":0,"image":"busybox","name":"n","resources":{"memory":9007199254740991,"memorySwap":-1},"secondsToWaitBeforeKill":0,"version":"v"}');
});

test('health checks of each type include their type', (t) => {
  const base = { name: 'n', version: 'v', image: 'busybox' };
  assertCanonical(t, { ...base, healthCheck: { type: 'tcp', port: 'p' } },
    '{"healthCheck":{"port":"p","type":"tcp"},"image":"busybox","name":"n","version":"v"}');
  assertCanonical(t, { ...base, healthCheck: { type: 'exec', command: ['sh', '-c', 'true'] } },
    '{"healthCheck":{"command":["sh","-c","true"],"type":"exec"},"image":"busybox","name":"n","version":"v"}');
});

test('buildJob fills the port protocol, the registration protocol and a UTC date before hashing', (t) => {
  const { job } = buildJob({
    id: 'web:1', image: 'busybox', ports: { http: { internalPort: 80 } }, registration: { web: { ports: { http: {} } } },
    expires: '2099-01-01T01:00:00+01:00',
  });
  t.deepEqual(job.ports, { http: { internalPort: 80, protocol: 'tcp' } });
  t.deepEqual(job.registration, { 'web/http': { ports: { http: {} } } });
  t.is(job.expires, '2099-01-01T00:00:00.000Z');
  const canonical = '{"expires":"2099-01-01T00:00:00.000+0000","image":"busybox","name":"web",'
    + '"ports":{"http":{"internalPort":80,"protocol":"tcp"}},"registration":{"web/http":{"ports":{"http":{}}}},"version":"1"}';
  t.is(canonicalJson(HashedJobSchema, { name: 'web', version: '1', ...job }), canonical);
  t.is(job.id, `web:1:${sha1(`web:1:${sha1(canonical)}`)}`);
});

test('fields outside the hash (created, creatingUser, owner, unknown keys) do not change the id', (t) => {
  const plain = buildJob({ id: 'foo:v1', image: 'rohan/memcached-tiny' }).job.id;
  t.is(buildJob({ id: 'foo:v1', image: 'rohan/memcached-tiny', created: 1, creatingUser: 'me', owner: 'cli', whatever: 1 }).job.id, plain);
});

test('a spec whose id hash does not match its configuration is refused', (t) => {
  const err = t.throws(() => buildJob({ id: `foo:v1:${'0'.repeat(40)}`, image: 'rohan/memcached-tiny' }));
  t.is((err as { code?: string }).code, 'INVALID_JOB_DEFINITION');
  t.regex(err!.message, /^id: hash 0{40} does not match/);
});

test('capabilities hash as a Java HashSet: deduplicated, in bucket order', (t) => {
  t.is(javaStringHash('hello'), 99162322);
  t.is(javaStringHash('Aa'), javaStringHash('BB'));
  t.is(javaStringHash('polygenelubricants'), -2147483648);
  // "Aa" and "BB" share a bucket: insertion order decides inside it.
  t.deepEqual(javaHashSetOrder(['BB', 'Aa']), ['BB', 'Aa']);
  // Buckets of a 16-slot table: 'b' → 98 & 15 = 2, 'a' → 1, 'q' → 113 & 15 = 1 (after 'a'), 'c' → 3.
  t.deepEqual(javaHashSetOrder(['c', 'b', 'q', 'a', 'b']), ['q', 'a', 'b', 'c']);
  assertCanonical(t, { name: 'n', version: 'v', image: 'busybox', addCapabilities: ['c', 'b', 'q', 'a', 'b'] },
    '{"addCapabilities":["q","a","b","c"],"image":"busybox","name":"n","version":"v"}');
});

test('parseJobId splits two and three parts and refuses others', (t) => {
  t.deepEqual(parseJobId('a:b'), { name: 'a', version: 'b' });
  t.deepEqual(parseJobId('a:b:c'), { name: 'a', version: 'b', hash: 'c' });
  t.is(parseJobId('a'), null);
  t.is(parseJobId('a:b:c:d'), null);
});

test("a Helios client's null rollout members and stringly numbers hash as Helios hashes them (nulls dropped, a bean kept)", (t) => {
  const withNulls = buildJob({
    id: 'foobar:1', image: 'busybox:latest',
    rolloutOptions: { timeout: null, parallelism: 2, migrate: null, overlap: true, token: null, ignoreFailures: null },
  }).job;
  const plain = { name: 'foobar', version: '1', image: 'busybox:latest', rolloutOptions: { parallelism: 2, overlap: true } };
  assertCanonical(t, plain, '{"image":"busybox:latest","name":"foobar","rolloutOptions":{"overlap":true,"parallelism":2},"version":"1"}');
  t.is(withNulls.id, `foobar:1:${jobHash(plain)}`);
  t.deepEqual(withNulls.rolloutOptions, { parallelism: 2, overlap: true });
  t.is(buildJob({ id: 'foobar:1', image: 'busybox:latest', rolloutOptions: { parallelism: '2', overlap: 'true' } }).job.id, withNulls.id);
  // Every member null: Jackson's NON_EMPTY keeps the empty bean, so the hash differs from no rolloutOptions.
  const allNull = { name: 'foobar', version: '1', image: 'busybox:latest', rolloutOptions: {} };
  assertCanonical(t, allNull, '{"image":"busybox:latest","name":"foobar","rolloutOptions":{},"version":"1"}');
  t.is(buildJob({ id: 'foobar:1', image: 'busybox:latest', rolloutOptions: { timeout: null, parallelism: null } }).job.id, `foobar:1:${jobHash(allNull)}`);
});

test("a job as Helios' Java client sends it (every field, absent ones null) keeps the id of the same job written plainly", (t) => {
  const plain = buildJob({ id: 'web:1', image: 'busybox:latest', command: ['sleep', '60'], ports: { http: { internalPort: 8080 } } }).job;
  const javaStyle = buildJob({
    addCapabilities: [], command: ['sleep', '60'], created: null, creatingUser: null, dropCapabilities: [], env: {}, expires: null,
    gracePeriod: null, healthCheck: null, hostname: null, id: 'web:1', image: 'busybox:latest', labels: {}, metadata: {}, networkMode: null,
    ports: { http: { externalPort: null, internalPort: 8080, ip: null, protocol: 'tcp' } }, ramdisks: {}, registration: {},
    registrationDomain: '', resources: null, rolloutOptions: null, runtime: null, secondsToWaitBeforeKill: null, securityOpt: [], token: '', volumes: {},
  }).job;
  t.is(javaStyle.id, plain.id);
  t.deepEqual(javaStyle.ports, { http: { internalPort: 8080, protocol: 'tcp' } });
});
