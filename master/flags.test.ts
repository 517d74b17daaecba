import test from 'ava';
import { parseCommandLine, parseFlags, usage } from './flags.js';
import type { StartOptions } from './server.js';

const parse = (argv: string[]) => parseFlags(argv, { HELIOS_HOME: '/h' }) as StartOptions;

test('--tls-cert and --tls-key serve HTTPS; --client-ca adds a required client certificate', (t) => {
  t.is(parse([]).tls, undefined);
  t.deepEqual(parse(['--tls-cert', '/etc/helios/master.pem', '--tls-key', '/etc/helios/master.key']).tls,
    { certFile: '/etc/helios/master.pem', keyFile: '/etc/helios/master.key' });
  t.deepEqual(parse(['--tls-cert', 'c.pem', '--tls-key', 'k.pem', '--client-ca', 'ca.pem']).tls,
    { certFile: 'c.pem', keyFile: 'k.pem', clientCaFile: 'ca.pem' });
});

test('TLS flags that do not go together are refused naming what is missing', (t) => {
  t.throws(() => parse(['--tls-cert', 'c.pem']), { message: "--tls-cert needs --tls-key FILE (the certificate's private key)" });
  t.throws(() => parse(['--tls-key', 'k.pem']), { message: '--tls-key needs --tls-cert FILE (the certificate it belongs to)' });
  t.throws(() => parse(['--client-ca', 'ca.pem']), { message: '--client-ca needs --tls-cert FILE --tls-key FILE: client certificates are checked over TLS' });
});

test('the usage text lists the TLS flags and what --insecure waives', (t) => {
  for (const flag of ['--tls-cert FILE', '--tls-key FILE', '--client-ca FILE']) t.true(usage.includes(flag), flag);
  t.regex(usage, /--insecure\s+allow a non-loopback --http address without TLS or authentication/);
});

test('--sync-mode is full or normal (full by default); --db-busy-timeout is a duration (100ms by default)', (t) => {
  t.like(parse([]), { syncMode: 'full', busyTimeoutMs: 100 });
  t.like(parse(['--sync-mode', 'normal', '--db-busy-timeout', '50ms']), { syncMode: 'normal', busyTimeoutMs: 50 });
  t.throws(() => parse(['--sync-mode', 'off']), { message: '--sync-mode "off": it is full or normal' });
  for (const flag of ['--sync-mode MODE', '--db-busy-timeout DURATION', 'helios-master backup FILE [--db PATH]', 'helios-master check [--db PATH]']) t.true(usage.includes(flag), flag);
});

test('backup FILE and check are database commands, on --db or $HELIOS_HOME/master.db', (t) => {
  const env = { HELIOS_HOME: '/h' };
  t.deepEqual(parseCommandLine(['backup', '/b/copy.db'], env), { command: 'backup', dbPath: '/h/master.db', file: '/b/copy.db' });
  t.deepEqual(parseCommandLine(['check', '--db', '/d/m.db'], env), { command: 'check', dbPath: '/d/m.db' });
  t.like(parseCommandLine(['--http', ':5801'], env), { command: 'serve', options: { port: 5801, dbPath: '/h/master.db' } });
  t.deepEqual(parseCommandLine(['check', '--help'], env), { command: 'help' });
  t.throws(() => parseCommandLine(['backup'], env), { message: 'backup needs one FILE to write the copy to: helios-master backup FILE [--db PATH]' });
  t.throws(() => parseCommandLine(['check', 'm.db'], env), { message: 'check takes no arguments, got "m.db" (give the database as --db PATH)' });
});

test('--db-pool is the PostgreSQL pool size, 10 by default, a whole number from 1 to 1000', (t) => {
  t.like(parse([]), { dbPoolSize: 10 });
  t.like(parse(['--db-pool', '40']), { dbPoolSize: 40 });
  for (const bad of ['0', '1001', '2.5', 'ten']) t.throws(() => parse(['--db-pool', bad]), { message: new RegExp(`^--db-pool "${bad.replace('.', '\\.')}": give a whole number`) }, bad);
  t.true(usage.includes('--db-pool N'));
});

test('--secrets-key-file: by default $HELIOS_HOME/secrets.key, made when missing; a given file must exist', (t) => {
  t.deepEqual(parse([]).secretsKeyFile, { path: '/h/secrets.key', create: true });
  t.deepEqual(parse(['--secrets-key-file', '/etc/helios/key']).secretsKeyFile, { path: '/etc/helios/key', create: false });
  t.true(usage.includes('--secrets-key-file PATH'));
});

test('migrate --to URL copies --from, by default $HELIOS_HOME/master.db', (t) => {
  const env = { HELIOS_HOME: '/h' };
  t.deepEqual(parseCommandLine(['migrate', '--to', 'postgres://db/h'], env), { command: 'migrate', from: '/h/master.db', to: 'postgres://db/h' });
  t.deepEqual(parseCommandLine(['migrate', '--from', '/d/m.db', '--to', 'postgres://db/h'], env), { command: 'migrate', from: '/d/m.db', to: 'postgres://db/h' });
  t.throws(() => parseCommandLine(['migrate', '--from', '/d/m.db'], env), { message: /^migrate needs --to postgres:\/\// });
  t.throws(() => parseCommandLine(['migrate', 'postgres://db/h'], env), { message: /^migrate takes no arguments, got "postgres:\/\/db\/h"/ });
});

test('--cors-origin takes * or origins (scheme, host, port), repeated; none by default', (t) => {
  t.deepEqual(parse([]).corsOrigins, []);
  t.deepEqual(parse(['--cors-origin', 'https://ui.example.com:8443', '--cors-origin', 'http://localhost:3000']).corsOrigins,
    ['https://ui.example.com:8443', 'http://localhost:3000']);
  t.deepEqual(parse(['--cors-origin', '*']).corsOrigins, ['*']);
  for (const bad of ['ui.example.com', 'https://ui.example.com/app', 'ftp://x']) {
    t.throws(() => parse(['--cors-origin', bad]), { message: new RegExp(`^--cors-origin "${bad.replaceAll('.', '\\.').replaceAll('/', '\\/')}": give \\* or an origin`) }, bad);
  }
  t.true(usage.includes('--cors-origin ORIGIN'));
  t.true(usage.includes('--pattern-timeout DUR'));
});
