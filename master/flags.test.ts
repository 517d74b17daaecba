import test from 'ava';
import { parseFlags, usage } from './flags.js';
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
