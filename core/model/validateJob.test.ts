import test from 'ava';
import type { FieldError } from '../errors/HeliosError.js';
import { jobFileValidation, validateJob, type ValidateOptions } from './validateJob.js';

const now = Date.UTC(2030, 0, 1);
const base = { id: 'web:1', image: 'busybox:latest' };
const IMAGE_PART = 'may only contain a-z, 0-9, ".", "_" and "-"';
const TAG = 'must be 1-128 letters, digits, "_", "." or "-", not starting with "." or "-"';
const HOSTNAME = 'must be 1-63 lower-case letters, digits or "-", starting with a letter or digit';
const CHARSET = 'may only contain letters, digits, "-", "_" and "."';
const ID_SHAPE = 'must be "name:version" or "name:version:<40 lower-case hex hash>"';
const VOLUME_KEY = 'key must be "/container/path", "/container/path:ro" or "/container/path:rw"';
const VOLUME_SOURCE = 'must be an absolute host path, a volume name or "" (anonymous volume)';
const http80 = { http: { internalPort: 80 } };

type Case = [title: string, spec: unknown, expected: Array<[path: string, message: string]>, options?: ValidateOptions];

/** Each bad spec gives exactly these errors: the field path and the message. */
const cases: Case[] = [
  ['a spec that is not an object', 'web', [['', 'must be an object']]],
  ['a missing image', { id: 'web:1' }, [['image', 'is required']]],
  ['an image that is not a string', { ...base, image: 5 }, [['image', 'must be a string']]],
  ['an empty image', { ...base, image: '' }, [['image', 'must not be empty']]],
  ['an image with a scheme', { ...base, image: 'https://registry.example.com/web' }, [['image', 'must not contain a scheme (://)']]],
  ['an image with upper-case letters', { ...base, image: 'BusyBox' }, [['image', `repository part "BusyBox" ${IMAGE_PART}`]]],
  ['an image tag starting with "-"', { ...base, image: 'busybox:-1' }, [['image', `tag "-1" ${TAG}`]]],
  ['an image digest that is not algo:hex', { ...base, image: 'busybox@sha256:12' }, [['image', 'digest "sha256:12" must be algorithm:hex, e.g. sha256:<64 hex digits>']]],
  ['an image registry port out of range', { ...base, image: 'registry.example.com:70000/web' }, [['image', 'registry port "70000" must be between 0 and 65535']]],
  ['an id without a version', { ...base, id: 'web' }, [['id', ID_SHAPE]]],
  ['an id whose hash is not 40 hex digits', { ...base, id: 'web:1:abc' }, [['id', ID_SHAPE]]],
  ['neither id nor name and version', { image: 'busybox' }, [['name', 'is required (or give id "name:version")'], ['version', 'is required (or give id "name:version")']]],
  ['a name with a space', { name: 'my web', version: '1', image: 'busybox' }, [['name', CHARSET]]],
  ['an id whose version has a slash', { ...base, id: 'web:1/2' }, [['id', `version ${CHARSET}`]]],
  ['a name that contradicts the id', { ...base, name: 'api' }, [['name', '"api" does not match the id\'s name "web"']]],
  ['an empty name', { name: '', version: '1', image: 'busybox' }, [['name', 'must not be empty']]],
  ['a name of 201 characters (the id must fit in a URL path)', { name: 'n'.repeat(201), version: '1', image: 'busybox' }, [['name', 'must be at most 200 characters']]],
  ['an id whose version has 201 characters', { ...base, id: `web:${'1'.repeat(201)}` }, [['id', 'version must be at most 200 characters']]],
  ['a hostname with upper case and "_"', { ...base, hostname: 'Web_1' }, [['hostname', HOSTNAME]]],
  ['a hostname of 64 characters', { ...base, hostname: 'a'.repeat(64) }, [['hostname', HOSTNAME]]],
  ['an internal port above 65535', { ...base, ports: { http: { internalPort: 70000 } } }, [['ports.http.internalPort', 'must be between 0 and 65535']]],
  ['a negative internal port', { ...base, ports: { http: { internalPort: -1 } } }, [['ports.http.internalPort', 'must be between 0 and 65535']]],
  ['an external port above 65535', { ...base, ports: { http: { internalPort: 80, externalPort: 65536 } } }, [['ports.http.externalPort', 'must be between 0 and 65535']]],
  ['an internal port given as a string', { ...base, ports: { http: { internalPort: '80' } } }, [['ports.http.internalPort', 'must be an integer']]],
  ['a fractional internal port', { ...base, ports: { http: { internalPort: 80.5 } } }, [['ports.http.internalPort', 'must be an integer']]],
  ['a port without internalPort', { ...base, ports: { http: { externalPort: 8080 } } }, [['ports.http.internalPort', 'is required']]],
  ['a port protocol other than tcp or udp', { ...base, ports: { http: { internalPort: 80, protocol: 'sctp' } } }, [['ports.http.protocol', 'must be tcp or udp']]],
  ['a port ip that is a host name', { ...base, ports: { http: { internalPort: 80, ip: 'localhost' } } }, [['ports.http.ip', 'must be an IP address, e.g. 127.0.0.1']]],
  ['a port name with a space', { ...base, ports: { 'my port': { internalPort: 80 } } }, [['ports.my port', 'port name may only contain letters, digits, "_", "." and "-"']]],
  ['two ports on the same protocol and external port', { ...base, ports: { a: { internalPort: 80, externalPort: 8080 }, b: { internalPort: 81, externalPort: 8080, protocol: 'tcp' } } },
    [['ports.b.externalPort', 'tcp:8080 is already used by ports.a']]],
  ['ports given as a list', { ...base, ports: [80] }, [['ports', 'must be a map of objects']]],
  ['a port mapping that is a number', { ...base, ports: { http: 80 } }, [['ports.http', 'must be an object']]],
  ['a registration key with two slashes', { ...base, ports: http80, registration: { 'web/http/x': { ports: { http: {} } } } },
    [['registration.web/http/x', 'key must be "service/protocol" (letters, digits, "_" and "-")']]],
  ['a registration naming a missing port', { ...base, ports: http80, registration: { 'web/http': { ports: { admin: {} } } } },
    [['registration.web/http.ports.admin', 'must name a port in ports (known: http)']]],
  ['two registration keys for one endpoint', { ...base, ports: http80, registration: { web: { ports: { http: {} } }, 'web/http': { ports: { http: {} } } } },
    [['registration.web/http', 'same endpoint as registration.web (web/http)']]],
  ['a registration tag that is not a string', { ...base, ports: http80, registration: { 'web/http': { ports: { http: { tags: [1] } } } } },
    [['registration.web/http.ports.http.tags.0', 'must be a string']]],
  ['a registration without ports', { ...base, registration: { 'web/http': {} } }, [['registration.web/http.ports', 'is required']]],
  ['a relative volume container path', { ...base, volumes: { data: '/srv/data' } }, [['volumes.data', 'container path must be an absolute path in the container']]],
  ['a volume on the container root', { ...base, volumes: { '/:ro': '/srv' } }, [['volumes./:ro', 'container path must not be / (the container root)']]],
  ['a volume mode other than ro or rw', { ...base, volumes: { '/data:rx': '/srv/data' } }, [['volumes./data:rx', VOLUME_KEY]]],
  ['a relative volume host path', { ...base, volumes: { '/data': 'srv/data' } }, [['volumes./data', VOLUME_SOURCE]]],
  ['the same container path mounted twice', { ...base, volumes: { '/data': '/a', '/data/:ro': '/b' } }, [['volumes./data/:ro', 'mounts /data/ a second time (also volumes./data)']]],
  ['a volume source that is not a string', { ...base, volumes: { '/data': 1 } }, [['volumes./data', 'must be a string']]],
  ['a relative ramdisk mount point', { ...base, ramdisks: { tmp: 'size=1m' } }, [['ramdisks.tmp', 'mount point must be an absolute path in the container']]],
  ['a ramdisk on the container root', { ...base, ramdisks: { '/': 'size=1m' } }, [['ramdisks./', 'mount point must not be / (the container root)']]],
  ['a ramdisk where a volume is mounted', { ...base, volumes: { '/data:ro': '/srv' }, ramdisks: { '/data': 'size=1m' } }, [['ramdisks./data', 'clashes with volumes./data:ro']]],
  ['an expiry that is not a date', { ...base, expires: 'tomorrow' }, [['expires', 'must be an ISO 8601 date, e.g. 2030-01-31T12:00:00Z']]],
  ['an expiry on a day that does not exist', { ...base, expires: '2031-02-30' }, [['expires', 'must be an ISO 8601 date, e.g. 2030-01-31T12:00:00Z']]],
  ['an expiry in the past', { ...base, expires: '2029-12-31T23:59:59Z' }, [['expires', 'must not be in the past']]],
  ['an unknown network mode', { ...base, networkMode: 'overlay' }, [['networkMode', 'must be bridge, host, none or container:<name|id>']]],
  ['a container network mode without a container', { ...base, networkMode: 'container:' }, [['networkMode', 'must be bridge, host, none or container:<name|id>']]],
  ['a negative grace period', { ...base, gracePeriod: -1 }, [['gracePeriod', 'must be 0 or more (seconds)']]],
  ['a grace period with a static external port', { ...base, gracePeriod: 10, ports: { http: { internalPort: 80, externalPort: 8080 } } },
    [['gracePeriod', 'cannot be used with a static externalPort (ports.http); drop one of them']]],
  ['a fractional grace period', { ...base, gracePeriod: 1.5 }, [['gracePeriod', 'must be an integer']]],
  ['a negative secondsToWaitBeforeKill', { ...base, secondsToWaitBeforeKill: -5 }, [['secondsToWaitBeforeKill', 'must be 0 or more (seconds)']]],
  // Past 2^31 ms Node's timers fire at once (or throw): a container that could never be stopped (F8).
  ['a secondsToWaitBeforeKill past a timer', { ...base, secondsToWaitBeforeKill: 3_000_000_000 }, [['secondsToWaitBeforeKill', 'must be at most 86400 seconds (1 day)']]],
  ['a secondsToWaitBeforeKill of a day and a second', { ...base, secondsToWaitBeforeKill: 86_401 }, [['secondsToWaitBeforeKill', 'must be at most 86400 seconds (1 day)']]],
  ['a grace period of a day and a second', { ...base, gracePeriod: 86_401 }, [['gracePeriod', 'must be at most 86400 seconds (1 day)']]],
  ['a rollout timeout past a timer', { ...base, rolloutOptions: { timeout: 2_147_484 } }, [['rolloutOptions.timeout', 'must be at most 86400 seconds per step (1 day)']]],
  ['an http check on a port not in ports', { ...base, ports: http80, healthCheck: { type: 'http', port: 'admin', path: '/' } },
    [['healthCheck.port', 'must name a port in ports (known: http)']]],
  ['a tcp check when the job has no ports', { ...base, healthCheck: { type: 'tcp', port: 'http' } }, [['healthCheck.port', 'must name a port in ports (known: none)']]],
  ['an http check on a udp port', { ...base, ports: { dns: { internalPort: 53, protocol: 'udp' } }, healthCheck: { type: 'http', port: 'dns', path: '/' } },
    [['healthCheck.port', 'must name a tcp port; dns is udp']]],
  ['an http check path without a leading slash', { ...base, ports: http80, healthCheck: { type: 'http', port: 'http', path: 'health' } }, [['healthCheck.path', 'must start with /']]],
  ['an http check without a path', { ...base, ports: http80, healthCheck: { type: 'http', port: 'http' } }, [['healthCheck.path', 'is required']]],
  ['an exec check with an empty command', { ...base, healthCheck: { type: 'exec', command: [] } }, [['healthCheck.command', 'must not be empty']]],
  ['a health check of an unknown type', { ...base, healthCheck: { type: 'grpc', port: 'http' } }, [['healthCheck.type', 'must be http, tcp or exec']]],
  ['a health check that is a string', { ...base, healthCheck: 'http' }, [['healthCheck', 'must be an object']]],
  ['a negative memory limit', { ...base, resources: { memory: -1 } }, [['resources.memory', 'must be 0 or more']]],
  ['a negative cpu share', { ...base, resources: { cpuShares: -1 } }, [['resources.cpuShares', 'must be 0 or more']]],
  ['a memorySwap below -1', { ...base, resources: { memorySwap: -2 } }, [['resources.memorySwap', 'must be 0 or more, or -1 (unlimited swap)']]],
  ['a memorySwap below memory', { ...base, resources: { memory: 200, memorySwap: 100 } }, [['resources.memorySwap', 'must be at least resources.memory (it counts memory plus swap)']]],
  ['a cpuset that is not a cpu list', { ...base, resources: { cpuset: 'all' } }, [['resources.cpuset', 'must be a cpu list such as 0-3 or 0,2']]],
  ['a rollout timeout of 0', { ...base, rolloutOptions: { timeout: 0 } }, [['rolloutOptions.timeout', 'must be 1 or more (seconds per step)']]],
  ['a rollout parallelism of 0', { ...base, rolloutOptions: { parallelism: 0 } }, [['rolloutOptions.parallelism', 'must be 1 or more']]],
  ['a rollout flag that is not a boolean', { ...base, rolloutOptions: { migrate: 'yes' } }, [['rolloutOptions.migrate', 'must be true or false']]],
  ['an empty env variable name', { ...base, env: { '': 'x' } }, [['env', 'variable names must not be empty']]],
  ['an env variable name with "="', { ...base, env: { 'A=B': 'x' } }, [['env.A=B', 'variable name must not contain "="']]],
  ['an env value that is a number', { ...base, env: { A: 1 } }, [['env.A', 'must be a string']]],
  ['env given as a list', { ...base, env: ['A=1'] }, [['env', 'must be a map of strings']]],
  ['a command that is a string', { ...base, command: 'ls -l' }, [['command', 'must be a list']]],
  ['a command argument that is a number', { ...base, command: ['sleep', 5] }, [['command.1', 'must be a string']]],
  ['a label value that is a boolean', { ...base, labels: { tier: true } }, [['labels.tier', 'must be a string']]],
  ['a token that is a number', { ...base, token: 42 }, [['token', 'must be a string']]],
];

for (const [title, spec, expected, options] of cases) {
  test(`rejects ${title}`, (t) => {
    const { errors } = validateJob(spec, options ?? { now });
    t.deepEqual(errors, expected.map(([path, message]): FieldError => ({ path, message })));
  });
}

test('the bad-input table has at least 40 cases', (t) => {
  t.true(cases.length >= 40, `${cases.length} cases`);
});

test('every error of a spec is returned at once', (t) => {
  const { errors } = validateJob({
    id: 'web', image: 'Bad', hostname: '-x', ports: { http: { internalPort: 70000 } }, expires: '2000-01-01',
    healthCheck: { type: 'tcp', port: 'nope' }, env: { '': 'x' }, networkMode: 'weird',
  }, { now });
  t.deepEqual(errors.map((e) => e.path).sort(), ['env', 'expires', 'healthCheck.port', 'hostname', 'id', 'image', 'networkMode', 'ports.http.internalPort']);
});

test('unknown keys are ignored with a warning, at the top and inside structs', (t) => {
  const { errors, warnings } = validateJob({ ...base, colour: 'blue', ports: { http: { internalPort: 80, colour: 1 } }, resources: { gpus: 1 }, deploy: { hosts: [] } }, { now });
  t.deepEqual(errors, []);
  t.deepEqual(warnings, ['unknown field colour ignored', 'unknown field ports.http.colour ignored', 'unknown field resources.gpus ignored']);
});

test('a warning for an unknown key names the known key it most likely meant', (t) => {
  const { warnings } = validateJob({ ...base, comand: ['httpd'], ports: { http: { internalPrt: 80 } } }, { now });
  t.deepEqual(warnings, ['unknown field comand ignored; did you mean command?', 'unknown field ports.http.internalPrt ignored; did you mean internalPort?']);
});

test("unknownFields 'refuse' makes every unknown key an error with its path and a did-you-mean, nested ones too", (t) => {
  const spec = {
    ...base, comand: ['httpd'], Env: { A: '1' }, ports: { http: { internalPort: 80, externalPrt: 8080 } },
    healthCheck: { type: 'http', port: 'http', path: '/', timout: 1 }, resources: { memroy: 1 }, rolloutOptions: { parallel: 2 },
    registration: { 'web/http': { ports: { http: { tag: ['a'] } } } }, colour: 'blue', deploy: { hosts: [] },
  };
  const { errors, warnings } = validateJob(spec, { now, unknownFields: 'refuse' });
  t.deepEqual(warnings, []);
  t.deepEqual(errors, [
    { path: 'comand', message: 'unknown field; did you mean command?' },
    { path: 'Env', message: 'unknown field; did you mean env?' },
    { path: 'ports.http.externalPrt', message: 'unknown field; did you mean externalPort?' },
    { path: 'healthCheck.timout', message: 'unknown field' },
    { path: 'resources.memroy', message: 'unknown field; did you mean memory?' },
    { path: 'rolloutOptions.parallel', message: 'unknown field' },
    { path: 'registration.web/http.ports.http.tag', message: 'unknown field; did you mean tags?' },
    { path: 'colour', message: 'unknown field' },
  ]);
});

test("unknownFields 'refuse' passes a job whose every key is known (created, creatingUser and owner of a stored job too)", (t) => {
  t.deepEqual(validateJob({ ...base, command: ['x'], created: 1, creatingUser: 'me', owner: 'cli' }, { now, unknownFields: 'refuse' }), { errors: [], warnings: [] });
});

test('null fields count as absent, as in Helios', (t) => {
  t.deepEqual(validateJob({ ...base, hostname: null, env: null, healthCheck: null, expires: null }, { now }), { errors: [], warnings: [] });
});

test('a job using every field validates clean', (t) => {
  const job = {
    id: 'web:1.0_rc-1', name: 'web', version: '1.0_rc-1', image: `registry.example.com:5000/team/web:1.0@sha256:${'ab'.repeat(32)}`,
    hostname: 'web-1', command: ['httpd', '-f'], env: { GREETING: 'grüße', EMPTY: '', '10': 'x' },
    resources: { memory: 268435456, memorySwap: -1, cpuShares: 512, cpuset: '0-1,3' },
    ports: { http: { internalPort: 8080 }, admin: { internalPort: 8081, protocol: 'tcp', ip: '127.0.0.1' }, dns: { internalPort: 53, externalPort: 5353, protocol: 'udp' }, v6: { internalPort: 0, ip: '::1' } },
    registration: { 'web/http': { ports: { http: { tags: ['a'] } } }, dns: { ports: { dns: {} } } },
    registrationDomain: 'example.com', gracePeriod: 0,
    volumes: { '/data:ro': '/srv/data', '/cache': '', '/named:rw': 'my-volume' }, expires: '2031-01-01T00:00:00+02:00', token: 't',
    healthCheck: { type: 'http', path: '/health', port: 'admin' }, securityOpt: ['no-new-privileges'], networkMode: 'container:db-1',
    metadata: { team: 'x' }, addCapabilities: ['NET_ADMIN'], dropCapabilities: ['MKNOD'], labels: { 'com.example.tier': 'front' },
    secondsToWaitBeforeKill: 0, ramdisks: { '/tmp': 'rw,size=64m' },
    rolloutOptions: { timeout: 60, parallelism: 2, migrate: true, overlap: false, token: 'r', ignoreFailures: false }, runtime: 'runc',
  };
  t.deepEqual(validateJob(job, { now }), { errors: [], warnings: [] });
});

test('other good shapes validate clean', (t) => {
  const good: unknown[] = [
    { name: 'web', version: '1', image: 'busybox' },
    { id: `web:1:${'0'.repeat(40)}`, image: 'localhost:5000/x' },
    { ...base, healthCheck: { type: 'tcp', port: 'http' }, ports: http80 },
    { ...base, healthCheck: { type: 'exec', command: ['true'] } },
    { ...base, networkMode: 'host' }, { ...base, networkMode: 'none' },
    { ...base, gracePeriod: 30, ports: http80 },
    { ...base, secondsToWaitBeforeKill: 86_400, gracePeriod: 86_400, rolloutOptions: { timeout: 86_400 } },
    { ...base, ports: { a: { internalPort: 53, externalPort: 53, protocol: 'tcp' }, b: { internalPort: 53, externalPort: 53, protocol: 'udp' } } },
    { ...base, expires: '2030-01-01' },
  ];
  for (const spec of good) t.deepEqual(validateJob(spec, { now }).errors, [], JSON.stringify(spec));
});

test('job files (jobFileValidation) take an expires in the past and refuse an unknown field; the API refuses the past', (t) => {
  const expired = { ...base, expires: '2000-01-01T00:00:00Z' };
  t.deepEqual(validateJob(expired, jobFileValidation), { errors: [], warnings: [] });
  t.deepEqual(validateJob(expired).errors, [{ path: 'expires', message: 'must not be in the past' }]);
  t.deepEqual(validateJob({ ...expired, comand: ['ls'] }, jobFileValidation).errors.map((e) => e.path), ['comand']);
});

// What Helios' Java client sends: every descriptor field, absent ones as null (Jackson's default).
const heliosClientJob = {
  addCapabilities: [], command: ['sleep', '60'], created: null, creatingUser: null, dropCapabilities: [], env: {}, expires: null,
  gracePeriod: null, healthCheck: null, hostname: null, id: 'web:1', image: 'busybox:latest', labels: {}, metadata: {}, networkMode: null,
  ports: { http: { externalPort: null, internalPort: 8080, ip: null, protocol: 'tcp' } }, ramdisks: {}, registration: {},
  registrationDomain: '', resources: { cpuShares: null, cpuset: null, memory: 10485760, memorySwap: null },
  rolloutOptions: { ignoreFailures: null, migrate: null, overlap: true, parallelism: 2, timeout: null, token: null },
  runtime: null, secondsToWaitBeforeKill: null, securityOpt: [], token: '', volumes: {},
};

test("null members of structs at any depth count as absent: a Helios Java client's job validates clean", (t) => {
  t.deepEqual(validateJob(heliosClientJob, { now }), { errors: [], warnings: [] });
  t.deepEqual(validateJob({ ...base, healthCheck: { type: 'http', path: '/', port: 'http', unknown: null }, ports: http80 }, { now }), { errors: [], warnings: [] });
});

// Helios' RolloutOptionsTest and JobsResourceTest.testCreateJobWithPartialRolloutOptions.
test('rolloutOptions take null members and numbers and booleans given as strings, as Jackson reads them', (t) => {
  for (const rolloutOptions of [
    { timeout: null, parallelism: 2, migrate: null, overlap: true, token: null, ignoreFailures: null },
    { migrate: null, parallelism: null },
    { migrate: 'false', parallelism: '2', timeout: '1000' },
    { migrate: false, parallalism: 2, timeout: 1000, overlap: true, token: 'blah' },
    {},
  ]) t.deepEqual(validateJob({ ...base, rolloutOptions }, { now }).errors, [], JSON.stringify(rolloutOptions));
  t.deepEqual(validateJob({ ...base, rolloutOptions: { parallelism: '0' } }, { now }).errors, [{ path: 'rolloutOptions.parallelism', message: 'must be 1 or more' }]);
  t.deepEqual(validateJob({ ...base, rolloutOptions: { parallelism: 'two' } }, { now }).errors, [{ path: 'rolloutOptions.parallelism', message: 'must be an integer' }]);
  t.deepEqual(validateJob({ ...base, rolloutOptions: { overlap: 'yes' } }, { now }).errors, [{ path: 'rolloutOptions.overlap', message: 'must be true or false' }]);
});

test('null values of maps and lists are still refused (Helios would store a null env value)', (t) => {
  t.deepEqual(validateJob({ ...base, env: { A: null } }, { now }).errors, [{ path: 'env.A', message: 'must be a string' }]);
  t.deepEqual(validateJob({ ...base, command: ['x', null] }, { now }).errors, [{ path: 'command.1', message: 'must be a string' }]);
});
