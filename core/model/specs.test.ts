import test, { type ExecutionContext } from 'ava';
import type { HeliosError } from '../errors/HeliosError.js';
import { parseEnvSpec, parsePairSpec, parsePortSpec, parseRegistrationSpec, parseRolloutOptions, parseVolumeSpec, registrationEntry } from './specs.js';
import { validateJob } from './validateJob.js';

const PORT_FORM = 'expected name=[ip:]internal[:external][/tcp|udp], e.g. http=8080 or http=127.0.0.1:8080:18080';
const VOLUME_FORM = 'expected host:/container[:ro|rw] or /container';

function rejects(t: ExecutionContext, fn: () => unknown, message: string) {
  const err = t.throws(fn) as HeliosError;
  t.is(err.code, 'INVALID_ARGUMENT');
  t.is(err.message, message);
}

test('env specs split at the first "="', (t) => {
  t.deepEqual(parseEnvSpec('A=1'), ['A', '1']);
  t.deepEqual(parseEnvSpec('JAVA_OPTS=-Da=b -Dc=d'), ['JAVA_OPTS', '-Da=b -Dc=d']);
  t.deepEqual(parseEnvSpec('EMPTY='), ['EMPTY', '']);
  t.deepEqual(parseEnvSpec('GRÜSSE=grüße'), ['GRÜSSE', 'grüße']);
});

test('bad env specs name the spec and the form', (t) => {
  rejects(t, () => parseEnvSpec('A'), 'invalid env spec "A": expected KEY=VALUE');
  rejects(t, () => parseEnvSpec('=1'), 'invalid env spec "=1": the name is empty; expected KEY=VALUE');
});

test('port specs cover internal, external, ip and protocol', (t) => {
  t.deepEqual(parsePortSpec('http=8080'), ['http', { internalPort: 8080, protocol: 'tcp' }]);
  t.deepEqual(parsePortSpec('http=8080:18080'), ['http', { internalPort: 8080, externalPort: 18080, protocol: 'tcp' }]);
  t.deepEqual(parsePortSpec('dns=53/udp'), ['dns', { internalPort: 53, protocol: 'udp' }]);
  t.deepEqual(parsePortSpec('dns=53:5353/udp'), ['dns', { internalPort: 53, externalPort: 5353, protocol: 'udp' }]);
  t.deepEqual(parsePortSpec('http=127.0.0.1:8080'), ['http', { ip: '127.0.0.1', internalPort: 8080, protocol: 'tcp' }]);
  t.deepEqual(parsePortSpec('http=127.0.0.1:8080:18080/tcp'), ['http', { ip: '127.0.0.1', internalPort: 8080, externalPort: 18080, protocol: 'tcp' }]);
  t.deepEqual(parsePortSpec('http=[::1]:8080:18080'), ['http', { ip: '::1', internalPort: 8080, externalPort: 18080, protocol: 'tcp' }]);
  t.deepEqual(parsePortSpec('admin.v2=0'), ['admin.v2', { internalPort: 0, protocol: 'tcp' }]);
});

test('bad port specs name the spec and the form', (t) => {
  rejects(t, () => parsePortSpec('8080'), `invalid port spec "8080": ${PORT_FORM}`);
  rejects(t, () => parsePortSpec('=8080'), `invalid port spec "=8080": port name "" may only contain letters, digits, "_", "." and "-"; ${PORT_FORM}`);
  rejects(t, () => parsePortSpec('http=80/sctp'), 'invalid port spec "http=80/sctp": protocol "sctp" must be tcp or udp');
  rejects(t, () => parsePortSpec('http=abc'), `invalid port spec "http=abc": internal port "abc" must be a number between 0 and 65535; ${PORT_FORM}`);
  rejects(t, () => parsePortSpec('http=80:70000'), `invalid port spec "http=80:70000": external port "70000" must be a number between 0 and 65535; ${PORT_FORM}`);
  rejects(t, () => parsePortSpec('http=host:80:81'), `invalid port spec "http=host:80:81": "host" is not an IP address; ${PORT_FORM}`);
  rejects(t, () => parsePortSpec('http=1.2.3.4:80:81:82'), `invalid port spec "http=1.2.3.4:80:81:82": ${PORT_FORM}`);
  rejects(t, () => parsePortSpec('http='), `invalid port spec "http=": internal port "" must be a number between 0 and 65535; ${PORT_FORM}`);
});

test('volume specs give the job volumes entry', (t) => {
  t.deepEqual(parseVolumeSpec('/srv/data:/data'), ['/data', '/srv/data']);
  t.deepEqual(parseVolumeSpec('/srv/data:/data:ro'), ['/data:ro', '/srv/data']);
  t.deepEqual(parseVolumeSpec('/srv/data:/data:rw'), ['/data:rw', '/srv/data']);
  t.deepEqual(parseVolumeSpec('/cache'), ['/cache', '']);
  t.deepEqual(parseVolumeSpec('/cache:ro'), ['/cache:ro', '']);
  t.deepEqual(parseVolumeSpec('my-volume:/data'), ['/data', 'my-volume']);
});

test('bad volume specs name the spec and the form', (t) => {
  rejects(t, () => parseVolumeSpec('data'), `invalid volume spec "data": container path "data" must be absolute; ${VOLUME_FORM}`);
  rejects(t, () => parseVolumeSpec('/srv:data'), `invalid volume spec "/srv:data": container path "data" must be absolute; ${VOLUME_FORM}`);
  rejects(t, () => parseVolumeSpec('/srv:/'), 'invalid volume spec "/srv:/": container path must not be / (the container root)');
  rejects(t, () => parseVolumeSpec('a:b:c:d'), `invalid volume spec "a:b:c:d": ${VOLUME_FORM}`);
  rejects(t, () => parseVolumeSpec('/a:/b:rx'), `invalid volume spec "/a:/b:rx": ${VOLUME_FORM}`);
  rejects(t, () => parseVolumeSpec(''), `invalid volume spec "": ${VOLUME_FORM}`);
  rejects(t, () => parseVolumeSpec('srv/data:/data'), `invalid volume spec "srv/data:/data": host side "srv/data" must be an absolute path or a volume name; ${VOLUME_FORM}`);
});

test('entries from the specs make a job that validates clean', (t) => {
  const job = {
    id: 'web:1', image: 'busybox',
    env: Object.fromEntries(['A=1', 'B=x=y', 'C='].map(parseEnvSpec)),
    ports: Object.fromEntries(['http=8080', 'dns=127.0.0.1:53:5353/udp', 'v6=[::1]:81'].map(parsePortSpec)),
    volumes: Object.fromEntries(['/srv:/data:ro', '/cache', 'named:/named'].map(parseVolumeSpec)),
  };
  t.deepEqual(validateJob(job).errors, []);
});

// Helios' PortMappingParserTest (helios-tools): its good specs parse to the same name, ports and
// protocol; its bad ones are refused (our messages name the reason, not only "Bad port mapping").
test('Helios PortMappingParserTest: good specs', (t) => {
  const good: [string, string, number, number | undefined, string, string?][] = [
    ['http=8080:80', 'http', 8080, 80, 'tcp'],
    ['foo=4711:80/tcp', 'foo', 4711, 80, 'tcp'],
    ['dns=53:53/udp', 'dns', 53, 53, 'udp'],
    ['bar=4711', 'bar', 4711, undefined, 'tcp'],
    ['smtp=0.0.0.0:53:53/udp', 'smtp', 53, 53, 'udp', '0.0.0.0'],
    ['mail=127.0.0.1:23:23/tcp', 'mail', 23, 23, 'tcp', '127.0.0.1'],
    ['qux=10.99.0.1:1001:1002', 'qux', 1001, 1002, 'tcp', '10.99.0.1'],
  ];
  for (const [spec, name, internalPort, externalPort, protocol, ip] of good) {
    const [parsedName, port] = parsePortSpec(spec);
    t.is(parsedName, name, spec);
    t.deepEqual([port.internalPort, port.externalPort, port.protocol, port.ip], [internalPort, externalPort, protocol, ip], spec);
  }
});

test('Helios PortMappingParserTest: bad specs and a bad IP', (t) => {
  for (const spec of ['smtp=localhost:53:53/udp', 'http8080:80', 'foo=80:4711:80/tcp', '=53:53/udp', 'foo']) {
    const err = t.throws(() => parsePortSpec(spec), undefined, spec) as HeliosError;
    t.is(err.code, 'INVALID_ARGUMENT');
    t.true(err.message.startsWith(`invalid port spec "${spec}": `), err.message);
  }
  rejects(t, () => parsePortSpec('mail=999.999.999.999:23:23/tcp'), `invalid port spec "mail=999.999.999.999:23:23/tcp": "999.999.999.999" is not an IP address; ${PORT_FORM}`);
});

test('metadata and label pairs split at the first "=" and name their kind', (t) => {
  t.deepEqual(parsePairSpec('metadata', 'a=1=2'), ['a', '1=2']);
  rejects(t, () => parsePairSpec('label', 'team'), 'invalid label "team": expected KEY=VALUE');
});

test('registration specs: service, protocol (http by default) and port', (t) => {
  t.deepEqual(parseRegistrationSpec('web'), { service: 'web', protocol: 'http' });
  t.deepEqual(parseRegistrationSpec('website/tcp=http'), { service: 'website', protocol: 'tcp', port: 'http' });
  t.deepEqual(parseRegistrationSpec('web=admin.v2'), { service: 'web', protocol: 'http', port: 'admin.v2' });
  for (const spec of ['', 'web/', 'a b', 'web=', 'web/tcp/udp']) {
    rejects(t, () => parseRegistrationSpec(spec), `invalid registration "${spec}": expected service[/protocol][=port-name], e.g. web or web/tcp=http`);
  }
});

test('a registration without a port takes the job\'s only port, as Helios does', (t) => {
  t.deepEqual(registrationEntry({ service: 'wordpress', protocol: 'http' }, ['http']), ['wordpress/http', { ports: { http: {} } }]);
  t.deepEqual(registrationEntry({ service: 'web', protocol: 'tcp', port: 'b' }, ['a', 'b']), ['web/tcp', { ports: { b: {} } }]);
  rejects(t, () => registrationEntry({ service: 'web', protocol: 'http' }, []),
    'invalid registration "web/http": the job has no port to register: add one with -p NAME=PORT');
  rejects(t, () => registrationEntry({ service: 'web', protocol: 'http' }, ['a', 'b']),
    'invalid registration "web/http": the job has 2 ports (a, b): name one, e.g. web=a');
});

// JobCreateCommandTest: --rollout-options overlap=true parallelism=2 foo=bar stores overlap and
// parallelism typed and ignores foo (Helios prints the other four as null; we leave them out, which
// hashes the same: Helios' hash drops nulls).
test('rollout options are typed as Helios reads them; unknown keys are ignored and reported', (t) => {
  t.deepEqual(parseRolloutOptions(['overlap=true', 'parallelism=2', 'foo=bar']), { options: { overlap: true, parallelism: 2 }, unknown: ['foo'] });
  t.deepEqual(parseRolloutOptions(['timeout=250', 'migrate=FALSE', 'ignoreFailures=True', 'token=a=b']).options,
    { timeout: 250, migrate: false, ignoreFailures: true, token: 'a=b' });
  rejects(t, () => parseRolloutOptions(['parallelism=two']), 'invalid rollout option "parallelism=two": parallelism must be a whole number');
  rejects(t, () => parseRolloutOptions(['overlap=yes']), 'invalid rollout option "overlap=yes": overlap must be true or false');
  rejects(t, () => parseRolloutOptions(['overlap']), 'invalid rollout option "overlap": expected KEY=VALUE');
});
