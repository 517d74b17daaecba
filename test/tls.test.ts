/**
 * TLS end to end, with certificates made by `openssl` (harness/certs.ts): a master over HTTPS with a
 * private CA; the CLI, a real agent on the real Docker engine and a real syncer pass all work against
 * it, and each refuses a certificate it cannot verify with one line saying why and what to give;
 * mutual TLS; a certificate renewed on SIGHUP; bad files stop the master naming the flag and file.
 */
import test, { type ExecutionContext } from 'ava';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { pino } from 'pino';
import { createClient, type HeliosError, type TlsOptions } from '../core/index.js';
import { preparePass } from '../syncer/sync.js';
import { deployJob, startMasterFor, startTestAgent, uniqueName, waitForState } from './harness/agent.js';
import { makeCerts, type CertFiles, type TestCerts } from './harness/certs.js';
import { expectError, spawnMaster, startTestMaster, urlOf, type TestMasterOptions } from './harness/master.js';
import { tempDir, waitFor } from './harness/processes.js';
import { helios } from './cliHarness.js';
import { gitops, jobExists, jobFile, jobIdOf } from './gitopsHelpers.js';

let certs: TestCerts;
let trustCa: TlsOptions;
test.before(async () => {
  certs = await makeCerts();
  trustCa = certs.clientTls();
});
test.after.always(() => certs?.cleanup());

/** A master in this process serving `files` (default: the good certificate), closed when the test ends. */
async function httpsMaster(t: ExecutionContext, files?: CertFiles, o: TestMasterOptions & { clientCa?: boolean } = {}) {
  const { clientCa, ...rest } = o;
  const master = await startTestMaster({ tls: certs.serverTls(files, { clientCa }), clientTls: trustCa, ...rest });
  t.teardown(master.close);
  return master;
}

const ADMIN_TOKEN = 'tls-test-admin';
const untrusted = (code = 'UNABLE_TO_VERIFY_LEAF_SIGNATURE') => `its certificate is not signed by a CA this client trusts (${code}); give the CA with --ca FILE (HELIOS_CA)`;
const UNTRUSTED = untrusted();
const NO_CLIENT_CERT = 'it requires a client certificate and none was given (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED); '
  + 'give one signed by its --client-ca with --cert FILE --key FILE (HELIOS_CERT, HELIOS_KEY)';

/** The SHA-256 fingerprint of the certificate a new connection to `url` is served. */
function servedFingerprint(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), ca: trustCa.ca }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on('error', reject);
  });
}

const fingerprintOf = (certFile: string) => new X509Certificate(readFileSync(certFile)).fingerprint256;

test('the master serves HTTPS with a private CA; a client that trusts the CA works, one that does not is told why', async (t) => {
  const master = await httpsMaster(t);
  t.regex(master.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  t.is(typeof await master.client.version(), 'string');
  const stranger = await expectError(t, master.clientWith({ tls: undefined }).version(), 'MASTER_UNREACHABLE');
  t.is(stranger.message, `cannot reach the master at ${master.url}: ${UNTRUSTED}`);
  const plain = master.url.replace('https:', 'http:');
  const wrongScheme = await expectError(t, createClient({ baseUrl: plain }).version(), 'MASTER_UNREACHABLE');
  t.regex(wrongScheme.message, new RegExp(`^cannot reach the master at ${plain}: the connection was closed \\(\\w+\\); `
    + 'if the master serves HTTPS, use an https:// URL \\(set -z or HELIOS_MASTER\\)$'));
  const plainMaster = await startTestMaster();
  t.teardown(plainMaster.close);
  const notTls = plainMaster.url.replace('http:', 'https:');
  const noTls = await expectError(t, createClient({ baseUrl: notTls, tls: trustCa }).version(), 'MASTER_UNREACHABLE');
  t.is(noTls.message, `cannot reach the master at ${notTls}: it does not speak TLS at this address (ERR_SSL_WRONG_VERSION_NUMBER); `
    + 'use an http:// URL (set -z or HELIOS_MASTER)');
});

test('the CLI works against an HTTPS master with --ca or HELIOS_CA: create, deploy, hosts, jobs', async (t) => {
  const master = await httpsMaster(t);
  const host = uniqueName('tls-host');
  await master.client.hosts.register(host, 'agent-id-1');
  const cli = (args: string[], env: Record<string, string | undefined> = {}) => helios(null, args, { env: { HELIOS_CA: undefined, ...env } });
  const created = await cli(['-z', master.url, '--ca', certs.caFile, 'create', 'tls-web:1', 'busybox:latest']);
  t.is(created.code, 0, created.stderr);
  t.regex(created.lastLine, /^tls-web:1:[0-9a-f]{40}$/);
  const deployed = await cli(['-z', master.url, 'deploy', 'tls-web:1', host], { HELIOS_CA: certs.caFile });
  t.is(deployed.code, 0, deployed.stderr);
  t.is(deployed.lastLine, `${host}: done`);
  const hosts = await cli(['hosts', '-z', master.url, '--ca', certs.caFile, '--json']);
  t.is(hosts.code, 0, hosts.stderr);
  t.true(Object.keys(hosts.json<Record<string, unknown>>()).includes(host), hosts.stdout);
  const jobs = await cli(['--ca', certs.caFile, 'jobs', '-z', master.url, '--json']);
  t.is(jobs.code, 0, jobs.stderr);
  t.deepEqual(Object.keys(jobs.json<Record<string, unknown>>()), [created.lastLine]);
});

test('the CLI refuses a certificate it cannot verify with one line and exit 1: unknown CA, other host, expired, missing --ca file', async (t) => {
  const [good, stranger, wrongHost, expired] = await Promise.all([undefined, certs.untrusted, certs.wrongHost, certs.expired].map((files) => httpsMaster(t, files)));
  const cases: Array<[string[], string]> = [
    [['-z', good.url, 'hosts'], `cannot reach the master at ${good.url}: ${UNTRUSTED}`],
    [['-z', stranger.url, '--ca', certs.caFile, 'hosts'], `cannot reach the master at ${stranger.url}: ${UNTRUSTED}`],
    [['-z', wrongHost.url, '--ca', certs.caFile, 'hosts'], `cannot reach the master at ${wrongHost.url}: its certificate is for another name: `
      + "IP: 127.0.0.1 is not in the cert's list: 10.255.255.1 (ERR_TLS_CERT_ALTNAME_INVALID); use an address the certificate names, "
      + 'or give the master a certificate for this one (--tls-cert)'],
    [['-z', expired.url, '--ca', certs.caFile, 'hosts'], `cannot reach the master at ${expired.url}: its certificate has expired (CERT_HAS_EXPIRED); `
      + "renew the master's --tls-cert (it re-reads it on SIGHUP)"],
    [['-z', good.url, '--ca', join(certs.dir, 'missing.pem'), 'hosts'], `--ca ${join(certs.dir, 'missing.pem')} cannot be read (ENOENT)`],
  ];
  for (const [args, line] of cases) {
    const r = await helios(null, args, { env: { HELIOS_CA: undefined } });
    t.is(r.code, 1, args.join(' '));
    t.is(r.stderr, `helios: ${line}\n`);
    t.is(r.stdout, '');
  }
});

test("-k (Helios' --insecure) accepts a certificate for another name, never one from a CA this client does not trust", async (t) => {
  const [wrongHost, stranger] = await Promise.all([certs.wrongHost, certs.untrusted].map((files) => httpsMaster(t, files)));
  const accepted = await helios(null, ['-z', wrongHost.url, '--ca', certs.caFile, '-k', 'hosts', '--json'], { env: { HELIOS_CA: undefined } });
  t.is(accepted.code, 0, accepted.stderr);
  t.deepEqual(accepted.json(), {});
  const refused = await helios(null, ['-z', stranger.url, '--insecure', 'hosts'], { env: { HELIOS_CA: undefined } });
  t.is(refused.code, 1);
  t.is(refused.stderr, `helios: cannot reach the master at ${stranger.url}: ${UNTRUSTED}\n`);
});

test('mutual TLS: without a client certificate the handshake is refused, with one signed by --client-ca it works', async (t) => {
  // A certificate alone is an agent's identity (its CN the host): a person also gives a token.
  const master = await httpsMaster(t, undefined, { clientCa: true, tokens: [ADMIN_TOKEN] });
  const [person, stranger] = await Promise.all([certs.clientCert('alice'), certs.clientCert('mallory', { untrusted: true })]);
  const none = await expectError(t, master.client.version(), 'MASTER_UNREACHABLE');
  t.is(none.message, `cannot reach the master at ${master.url}: ${NO_CLIENT_CERT}`);
  const withCert = master.clientWith({ tls: certs.clientTls(person) });
  t.is(typeof await withCert.version(), 'string');
  const refused = await expectError(t, master.clientWith({ tls: certs.clientTls(stranger) }).version(), 'MASTER_UNREACHABLE');
  t.regex(refused.message, /(refused this client's certificate|if the master requires client certificates, it refused this one).* give one signed by its --client-ca with --cert FILE --key FILE/);

  const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
    helios(null, ['-z', master.url, '--ca', certs.caFile, ...args], { env: { HELIOS_TOKEN: ADMIN_TOKEN, HELIOS_CERT: undefined, HELIOS_KEY: undefined, ...env } });
  const anonymous = await cli(['hosts']);
  t.is(anonymous.code, 1);
  t.is(anonymous.stderr, `helios: cannot reach the master at ${master.url}: ${NO_CLIENT_CERT}\n`);
  const withFlags = await cli(['hosts', '--cert', person.certFile, '--key', person.keyFile]);
  t.is(withFlags.code, 0, withFlags.stderr);
  const fromEnv = await cli(['hosts'], { HELIOS_CERT: person.certFile, HELIOS_KEY: person.keyFile });
  t.is(fromEnv.code, 0, fromEnv.stderr);
  const halfGiven = await cli(['hosts', '--cert', person.certFile]);
  t.is(halfGiven.stderr, `helios: --cert ${person.certFile} needs --key FILE too (the certificate's private key)\n`);
});

test('a real agent reaches RUNNING over HTTPS, also with a client certificate; without the CA it stays away and logs why', async (t) => {
  const master = await startMasterFor(t, { tls: certs.serverTls(undefined, { clientCa: true }), tokens: [ADMIN_TOKEN], clientTls: certs.clientTls(await certs.clientCert('lead')) });
  // The agent has no token: its certificate's CN names its host.
  const name = uniqueName('tls-agent');
  const agent = await startTestAgent(t, master, { name, tls: certs.clientTls(await certs.clientCert(name)) });
  await waitFor(async () => (await master.client.hosts.list()).includes(agent.name), { message: 'the agent registered over HTTPS' });
  const id = await deployJob(master, agent.name, { name: 'tls-agent', command: ['sleep', '1000'] });
  await waitForState(master, id, agent.name, 'RUNNING', 60_000);
  // Logs and exec travel on the channel the agent dialled over the same TLS, its certificate its identity.
  const person = await certs.clientCert('oncall');
  const tlsCli = (args: string[]) => helios(null, ['-z', master.url, '--ca', certs.caFile, '--cert', person.certFile, '--key', person.keyFile, ...args],
    { env: { HELIOS_TOKEN: ADMIN_TOKEN, HELIOS_CERT: undefined, HELIOS_KEY: undefined } });
  const exec = await waitFor(async () => {
    const run = await tlsCli(['exec', 'tls-agent', agent.name, '--', 'echo', 'over-mutual-tls']);
    return run.code === 0 ? run : undefined;
  }, { message: 'an exec over mutual TLS' });
  t.is(exec.stdout, 'over-mutual-tls\n');
  t.is((await tlsCli(['logs', 'tls-agent'])).code, 0);

  const lost = await startTestAgent(t, master, { tls: undefined });
  const logged = await waitFor(() => lost.logs.find((l) => typeof l.msg === 'string' && l.msg.includes('unreachable')), { message: 'the agent said why' });
  // With --client-ca the master's chain includes that CA (OpenSSL completes it from the trust store).
  t.is(logged.msg, `master at ${master.url} unreachable: cannot reach the master at ${master.url}: ${untrusted('SELF_SIGNED_CERT_IN_CHAIN')}`);
  t.false((await master.client.hosts.list()).includes(lost.name));
});

test('a real syncer pass applies a commit to an HTTPS master with --ca (or HELIOS_CA); without it the pass fails saying why', async (t) => {
  const g = await gitops(t, { master: { tls: certs.serverTls(), clientTls: trustCa } });
  const file = jobFile('tls-sync', { hosts: ['h1'] });
  await g.commit({ 'jobs/tls-sync.yaml': file });
  const log = pino({ level: 'silent' });
  const refused = await (await preparePass(g.config([], { HELIOS_CA: '' }), log)).pass().then(() => undefined, (err: HeliosError) => err);
  t.is(refused?.code, 'MASTER_UNREACHABLE');
  t.is(refused?.message, `cannot reach the master at ${g.master.url}: ${UNTRUSTED}`);
  const { pass } = await preparePass(g.config(['--ca', certs.caFile]), log);
  t.is((await pass()).result.state, 'APPLIED');
  t.true(await jobExists(g.master.client, jobIdOf('jobs/tls-sync.yaml', file)));
  const fromEnv = await preparePass(g.config(['--cache-dir', join(g.cacheDir, 'env')], { HELIOS_CA: certs.caFile }), log);
  t.is((await fromEnv.pass()).result.state, 'APPLIED');
});

test('SIGHUP makes helios-master serve a renewed certificate without a restart; a bad file keeps the old one', async (t) => {
  const dir = await tempDir('helios-tls-reload-');
  t.teardown(dir.cleanup);
  const cert = join(dir.path, 'master.pem');
  const key = join(dir.path, 'master.key');
  const install = (files: CertFiles) => { copyFileSync(files.certFile, cert); copyFileSync(files.keyFile, key); };
  install(certs.server);
  const master = spawnMaster(['--db', join(dir.path, 'm.db'), '--tls-cert', cert, '--tls-key', key]);
  t.teardown(() => master.kill('SIGKILL'));
  const url = await urlOf(master);
  t.regex(url, /^https:/);
  t.is(await servedFingerprint(url), fingerprintOf(certs.server.certFile));

  const renewed = await certs.serverCert('renewed');
  install(renewed);
  process.kill(master.pid!, 'SIGHUP');
  await master.waitForOutput(/TLS certificate reloaded/);
  t.is(await servedFingerprint(url), fingerprintOf(renewed.certFile));

  writeFileSync(cert, 'not a certificate\n');
  process.kill(master.pid!, 'SIGHUP');
  await master.waitForOutput(/TLS reload failed/);
  t.regex(master.stdout, new RegExp(`--tls-cert ${cert} does not hold a PEM certificate`));
  t.is(await servedFingerprint(url), fingerprintOf(renewed.certFile), 'the running certificate stays');
  t.is(await createClient({ baseUrl: url, tls: trustCa }).hosts.list().then((hosts) => hosts.length), 0);
});

test('reloadTls re-reads the files in process too', async (t) => {
  const dir = await tempDir('helios-tls-reload-');
  t.teardown(dir.cleanup);
  const cert = join(dir.path, 'master.pem');
  const key = join(dir.path, 'master.key');
  copyFileSync(certs.server.certFile, cert);
  copyFileSync(certs.server.keyFile, key);
  const master = await startTestMaster({ tls: { certFile: cert, keyFile: key }, clientTls: trustCa });
  t.teardown(master.close);
  const renewed = await certs.serverCert('renewed-in-process');
  copyFileSync(renewed.certFile, cert);
  t.throws(() => master.master.reloadTls(), { message: `--tls-key ${key} is not the private key of the certificate in --tls-cert ${cert}` });
  t.is(await servedFingerprint(master.url), fingerprintOf(certs.server.certFile));
  copyFileSync(renewed.keyFile, key);
  master.master.reloadTls();
  t.is(await servedFingerprint(master.url), fingerprintOf(renewed.certFile));
});

test('bad TLS files stop the master with a message naming the flag and the file', async (t) => {
  const missing = join(certs.dir, 'no-such.pem');
  const proc = spawnMaster(['--db', join(certs.dir, 'never.db'), '--tls-cert', missing, '--tls-key', certs.server.keyFile]);
  t.is((await proc.exited).code, 1);
  t.is(proc.stderr, `helios-master: --tls-cert ${missing} cannot be read (ENOENT)\n`);
  const cases: Array<[TestMasterOptions['tls'], string]> = [
    [{ certFile: certs.server.certFile, keyFile: certs.expired.keyFile }, `--tls-key ${certs.expired.keyFile} is not the private key of the certificate in --tls-cert ${certs.server.certFile}`],
    [{ certFile: certs.server.keyFile, keyFile: certs.server.keyFile }, `--tls-cert ${certs.server.keyFile} does not hold a PEM certificate`],
    [{ certFile: certs.server.certFile, keyFile: certs.server.certFile }, `--tls-key ${certs.server.certFile} does not hold a PEM private key`],
    [{ ...certs.serverTls(), clientCaFile: certs.server.keyFile }, `--client-ca ${certs.server.keyFile} does not hold a PEM CA certificate`],
  ];
  for (const [tls, message] of cases) {
    const err = await t.throwsAsync(startTestMaster({ tls }));
    t.true(err?.message.startsWith(message), err?.message);
  }
});
