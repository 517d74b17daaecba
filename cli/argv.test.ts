import test from 'ava';
import { mergeGlobals, parseCommandArgs, splitInvocation } from './argv.js';

const env = { HELIOS_CA: '/env/ca.pem', HELIOS_CERT: '/env/cert.pem', HELIOS_KEY: '/env/key.pem' };

test('--ca, --cert and --key go before the command name; their values are not taken for it', (t) => {
  const inv = splitInvocation(['-z', 'https://m:5801', '--ca', 'ca.pem', '--cert', 'c.pem', '--key', 'k.pem', 'hosts', '-s', 'role=web'], {});
  t.is(inv.name, 'hosts');
  t.deepEqual(inv.argv, ['-s', 'role=web']);
  t.deepEqual(inv.global.target.masters, ['https://m:5801']);
  t.deepEqual(inv.global.tls, { ca: 'ca.pem', cert: 'c.pem', key: 'k.pem' });
});

test('without the flags the files come from HELIOS_CA, HELIOS_CERT and HELIOS_KEY', (t) => {
  t.deepEqual(splitInvocation(['hosts'], env).global.tls, { ca: '/env/ca.pem', cert: '/env/cert.pem', key: '/env/key.pem' });
  t.deepEqual(splitInvocation(['hosts'], {}).global.tls, { ca: undefined, cert: undefined, key: undefined });
});

test('after the command name they win over those before it and over the environment, one by one', (t) => {
  const inv = splitInvocation(['--ca', 'before.pem', 'jobs', '--cert', 'after.pem', '--key', 'after.key'], env);
  const { flags } = parseCommandArgs(inv.argv, {}, 'jobs');
  t.deepEqual(mergeGlobals(inv.global, flags, env).tls, { ca: 'before.pem', cert: 'after.pem', key: 'after.key' });
  t.deepEqual(mergeGlobals(inv.global, parseCommandArgs(['--ca', 'late.pem'], {}, 'jobs').flags, env).tls,
    { ca: 'late.pem', cert: '/env/cert.pem', key: '/env/key.pem' });
});

test('an https:// master is accepted; another scheme names both that are', (t) => {
  t.deepEqual(splitInvocation(['-z', 'https://master.example:5801', 'hosts'], {}).global.target.masters, ['https://master.example:5801']);
  t.throws(() => splitInvocation(['-z', 'ftp://m', 'hosts'], {}),
    { message: "-z: 'ftp://m' is not a master URL: expected http://host:port or https://host:port" });
  t.deepEqual(splitInvocation(['-z', 'http://a:1,http://b:2', '-z', 'http://c:3', 'hosts'], {}).global.target.masters,
    ['http://a:1', 'http://b:2', 'http://c:3'], 'a comma list is several masters of one cluster');
});

test("Helios' -k and --google-credentials BOOL are taken before or after the command; a non-boolean --google-credentials is named", (t) => {
  const before = splitInvocation(['-k', '--google-credentials', 'false', 'hosts', '-f'], {});
  t.is(before.name, 'hosts');
  t.deepEqual(before.argv, ['-f']);
  t.true(before.global.insecure);
  t.false(splitInvocation(['hosts'], {}).global.insecure);
  const after = parseCommandArgs(['--insecure', '--google-credentials=true'], {}, 'hosts');
  t.true(mergeGlobals(splitInvocation(['hosts'], {}).global, after.flags, {}).insecure);
  t.throws(() => splitInvocation(['--google-credentials', 'yes', 'hosts'], {}), { message: "--google-credentials must be true or false, got 'yes'" });
});

test('with passThroughAfter, every word after that many positionals is passed on unparsed, options too', (t) => {
  const options = { 'dry-run': { type: 'boolean' } } as const;
  const parsed = parseCommandArgs(['--dry-run', '-z', 'http://m:1', 'release.mjs', 'web.yaml', '--timeout', '5s', '-z', 'x', '--', 'y'], options, 'run', undefined, 1);
  t.deepEqual(parsed.positionals, ['release.mjs']);
  t.deepEqual(parsed.rest, ['web.yaml', '--timeout', '5s', '-z', 'x', '--', 'y']);
  t.is(parsed.flags['dry-run'], true);
  t.deepEqual(parsed.flags.master, ['http://m:1']);
  t.deepEqual(parseCommandArgs(['release.mjs'], options, 'run', undefined, 1).rest, []);
  t.throws(() => parseCommandArgs(['--nope', 'release.mjs'], options, 'run', undefined, 1), { message: /unknown option --nope for helios run/ });
});
