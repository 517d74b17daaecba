import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeliosError } from '../errors/HeliosError.js';
import { readTlsFiles } from './tlsFiles.js';
import { tlsPathsFrom } from './tlsPaths.js';

// Files that parse are made with openssl in test/tls.test.ts; these are the refusals.
const dir = mkdtempSync(join(tmpdir(), 'helios-tlsfiles-'));
const garbage = join(dir, 'garbage.pem');
writeFileSync(garbage, '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
const missing = join(dir, 'missing.pem');
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

test('no paths: no TLS options (the client keeps its default fetch)', (t) => {
  t.is(readTlsFiles({}), undefined);
});

test('a file that cannot be read or parsed is INVALID_ARGUMENT naming the flag and the file', (t) => {
  const unreadable = t.throws(() => readTlsFiles({ ca: missing }), { instanceOf: HeliosError, message: `--ca ${missing} cannot be read (ENOENT)` });
  t.deepEqual([unreadable?.code, unreadable?.data], ['INVALID_ARGUMENT', { flag: '--ca', file: missing }]);
  t.throws(() => readTlsFiles({ ca: garbage }), { message: new RegExp(`^--ca ${garbage} does not hold a PEM CA certificate \\(`) });
  t.throws(() => readTlsFiles({ cert: garbage, key: garbage }), { message: new RegExp(`^--cert ${garbage} does not hold a PEM certificate \\(`) });
  t.throws(() => readTlsFiles({ cert: garbage, key: missing }), { message: `--key ${missing} cannot be read (ENOENT)` });
});

test('a certificate needs its key and a key its certificate', (t) => {
  t.throws(() => readTlsFiles({ cert: garbage }), { message: `--cert ${garbage} needs --key FILE too (the certificate's private key)` });
  t.throws(() => readTlsFiles({ key: garbage }), { message: `--key ${garbage} needs --cert FILE too (the certificate of that key)` });
});

test('errors use the names the caller gives (the master: --tls-cert, --tls-key, --client-ca)', (t) => {
  const names = { ca: '--client-ca', cert: '--tls-cert', key: '--tls-key' };
  t.throws(() => readTlsFiles({ cert: missing, key: garbage }, names), { message: `--tls-cert ${missing} cannot be read (ENOENT)` });
  t.throws(() => readTlsFiles({ ca: garbage }, names), { message: new RegExp(`^--client-ca ${garbage} does not hold`) });
});

test('paths come from the flags, else HELIOS_CA, HELIOS_CERT, HELIOS_KEY; an empty variable is unset', (t) => {
  const env = { HELIOS_CA: '/env/ca.pem', HELIOS_CERT: '/env/c.pem', HELIOS_KEY: '' };
  t.deepEqual(tlsPathsFrom({}, env), { ca: '/env/ca.pem', cert: '/env/c.pem', key: undefined });
  t.deepEqual(tlsPathsFrom({ ca: '/flag/ca.pem', key: '/flag/k.pem' }, env), { ca: '/flag/ca.pem', cert: '/env/c.pem', key: '/flag/k.pem' });
  t.deepEqual(tlsPathsFrom({}, {}), { ca: undefined, cert: undefined, key: undefined });
});
