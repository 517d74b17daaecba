import test from 'ava';
import { parseAgentArgs, parsePairs, usage } from './args.js';
import { resolveOptions } from './options.js';
import { parsePortRange } from './ports.js';

test('flags become agent options', (t) => {
  const o = parseAgentArgs({ master: 'http://m:5801', name: 'a1', labels: ['zone=a', 'x=1=2'], env: ['K=V'], 'port-range': '30000:30010', heartbeat: '2s', 'bind-ip': '127.0.0.1' });
  t.deepEqual(o.labels, { zone: 'a', x: '1=2' });
  t.deepEqual(o.env, { K: 'V' });
  t.is(o.heartbeatMs, 2_000);
  t.is(o.bindIp, '127.0.0.1');
  t.deepEqual(resolveOptions(o).portRange, { start: 30000, end: 30010 });
  t.is(parseAgentArgs({ master: 'http://m', pull: 'missing' }).pullPolicy, 'missing');
  t.is(resolveOptions(parseAgentArgs({ master: 'http://m', pull: 'always' })).pullPolicy, 'always');
  t.deepEqual(resolveOptions(parseAgentArgs({ master: 'http://m', 'health-timeout': '90s' })).healthBackoff, { baseMs: 1_000, maxMs: 30_000, giveUpMs: 90_000 });
  t.is(resolveOptions(parseAgentArgs({ master: 'http://m' })).healthBackoff.giveUpMs, 300_000, 'five minutes unless told');
  t.true(resolveOptions(parseAgentArgs({ master: 'http://m', 'join-new-cluster': true })).joinNewCluster);
  t.false(resolveOptions(parseAgentArgs({ master: 'http://m' })).joinNewCluster, 'the recorded cluster is kept unless told');
  t.is(resolveOptions(parseAgentArgs({ master: 'http://m', 'max-kill-timeout': '30s' })).maxKillTimeoutMs, 30_000);
  t.is(resolveOptions(parseAgentArgs({ master: 'http://m' })).maxKillTimeoutMs, 600_000, 'ten minutes unless told');
  t.deepEqual(resolveOptions(parseAgentArgs({ master: 'http://m' })).imageGc, { intervalMs: 300_000, graceMs: 3_600_000, keep: 2, all: false });
  t.deepEqual(parseAgentArgs({ master: 'http://m', metrics: '9101' }).metrics, { host: '127.0.0.1', port: 9101 }, 'loopback unless told');
  t.deepEqual(parseAgentArgs({ master: 'http://m', metrics: '10.0.0.5:9101' }).metrics, { host: '10.0.0.5', port: 9101 });
  t.is(resolveOptions(parseAgentArgs({ master: 'http://m' })).metrics, undefined, 'no /metrics unless asked');
  t.deepEqual(resolveOptions(parseAgentArgs({ master: 'http://m', 'image-gc-interval': '0', 'image-gc-grace': '10m', 'image-gc-keep': '0', 'image-gc-all': true })).imageGc,
    { intervalMs: 0, graceMs: 600_000, keep: 0, all: true });
});

test('bad flags are refused with a message naming the flag', (t) => {
  t.throws(() => parseAgentArgs({}), { message: /--master is required/ });
  t.throws(() => parsePairs('--labels', ['novalue']), { message: /--labels "novalue" must be KEY=VALUE/ });
  t.throws(() => parseAgentArgs({ master: 'http://m', heartbeat: 'soon' }), { message: /--heartbeat: expected a duration/ });
  t.throws(() => parseAgentArgs({ master: 'http://m', 'health-timeout': 'a while' }), { message: /--health-timeout: expected a duration/ });
  t.throws(() => parsePortRange('9:3'), { message: /--port-range "9:3"/ });
  t.throws(() => parseAgentArgs({ master: 'http://m', 'bind-ip': 'localhost' }), { message: /--bind-ip "localhost"/ });
  t.throws(() => resolveOptions({ master: 'not a url' }), { message: "--master: 'not a url' is not a master URL: expected http://host:port or https://host:port" });
  t.throws(() => resolveOptions({ master: 'http://a:1,ftp://b' }), { message: /--master: 'ftp:\/\/b' is not a master URL/ });
  t.throws(() => resolveOptions({ master: [' , '] }), { message: /--master is required/ });
  t.throws(() => resolveOptions({ master: 'http://m', name: '../x' }), { message: /--name/ });
  for (const bad of ['0s', '500ms', '25h']) {
    t.throws(() => resolveOptions(parseAgentArgs({ master: 'http://m', 'max-kill-timeout': bad })), { message: '--max-kill-timeout must be from 1s to 24h' }, bad);
  }
  t.throws(() => parseAgentArgs({ master: 'http://m', pull: 'never' }), { message: /--pull "never" must be one of always, missing, auto/ });
  t.throws(() => resolveOptions({ master: 'http://m', pullPolicy: 'sometimes' as never }), { message: /--pull "sometimes"/ });
  t.throws(() => parseAgentArgs({ master: 'http://m', metrics: 'localhost' }), { message: /^--metrics: expected PORT or HOST:PORT/ });
  t.throws(() => parseAgentArgs({ master: 'http://m', 'image-gc-keep': 'two' }), { message: '--image-gc-keep "two" must be a whole number, 0 or more' });
  t.throws(() => parseAgentArgs({ master: 'http://m', 'image-gc-grace': 'later' }), { message: /--image-gc-grace: expected a duration/ });
  t.throws(() => resolveOptions({ master: 'http://m', imageGc: { keep: -1 } }), { message: /--image-gc-keep "-1"/ });
});

test('several masters: --master repeated or a comma list, else HELIOS_MASTER; each once, in order', (t) => {
  t.deepEqual(resolveOptions(parseAgentArgs({ master: ['http://a:1,http://b:2', 'http://c:3', 'http://a:1'] }, {})).masters,
    ['http://a:1', 'http://b:2', 'http://c:3']);
  t.deepEqual(resolveOptions(parseAgentArgs({}, { HELIOS_MASTER: 'http://a:1, https://b:2' })).masters, ['http://a:1', 'https://b:2']);
  t.deepEqual(resolveOptions(parseAgentArgs({ master: ['http://flag:1'] }, { HELIOS_MASTER: 'http://env:1' })).masters, ['http://flag:1'], 'the flag wins');
});

test('defaults: hostname, DOCKER_HOST, state dir under HELIOS_HOME, token from HELIOS_TOKEN', (t) => {
  const o = resolveOptions({ master: 'http://m:5801', name: 'a1' }, { DOCKER_HOST: 'tcp://10.0.0.1:2375', HELIOS_HOME: '/var/helios', HELIOS_TOKEN: 's3cret' });
  t.is(o.dockerHost, 'tcp://10.0.0.1:2375');
  t.is(o.stateDir, '/var/helios/agent-a1');
  t.is(o.token, 's3cret');
  t.is(o.heartbeatMs, 5_000);
  t.is(o.bindIp, '0.0.0.0');
  t.is(o.pullPolicy, 'auto');
  t.is(resolveOptions({ master: 'http://m' }, {}).dockerHost, 'unix:///var/run/docker.sock');
  t.is(parseAgentArgs({ master: 'http://m', heartbeat: '500ms' }).heartbeatMs, 500);
});

test('--ca, --cert and --key (else HELIOS_CA, HELIOS_CERT, HELIOS_KEY) are read at once, a bad one named', (t) => {
  t.is(parseAgentArgs({ master: 'https://m:5801' }, {}).tls, undefined);
  t.throws(() => parseAgentArgs({ master: 'https://m', ca: '/no/such/ca.pem' }, {}), { message: '--ca /no/such/ca.pem cannot be read (ENOENT)' });
  t.throws(() => parseAgentArgs({ master: 'https://m' }, { HELIOS_CA: '/no/env/ca.pem' }), { message: '--ca /no/env/ca.pem cannot be read (ENOENT)' });
  t.throws(() => parseAgentArgs({ master: 'https://m', cert: '/c.pem' }, {}), { message: "--cert /c.pem needs --key FILE too (the certificate's private key)" });
  t.throws(() => parseAgentArgs({ master: 'https://m' }, { HELIOS_KEY: '/k.pem' }), { message: '--key /k.pem needs --cert FILE too (the certificate of that key)' });
});

test('--help lists the image garbage collection flags with their defaults', (t) => {
  for (const flag of ['--image-gc-interval DURATION', '--image-gc-grace DURATION', '--image-gc-keep N', '--image-gc-all']) t.true(usage.includes(flag), flag);
  t.regex(usage, /\(default 5m; 0 turns the\s+collection off\)/);
  t.regex(usage, /before\s+it is removed \(default 1h\)/);
  t.regex(usage, /for a fast\s+rollback \(default 2\)/);
});
