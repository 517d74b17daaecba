// The Pulumi provider against an HTTPS master with a private CA (certificates made by `openssl`,
// harness/certs.ts): through the real dynamic-provider host with `helios:ca` (a PEM text or a file)
// or HELIOS_CA, a client certificate for a master with --client-ca, and a certificate it cannot
// verify refused naming helios:ca. Bad TLS config is checked on direct calls of the provider.
import test, { type ExecutionContext } from 'ava';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCerts, type TestCerts } from './harness/certs.js';
import { startTestMaster, type TestMaster } from './harness/master.js';
import { pulumiProgramDir, serializeProvider, startProviderHost, urn, type ProviderHostError } from './harness/pulumiHost.js';
import { jobProvider } from 'helios/provider';
import { createJobProvider } from '../provider/jobProvider.js';

const STACK = 'pulumi:helios-test/test';
const NO_TLS_ENV = { HELIOS_MASTER: '', HELIOS_TOKEN: '', HELIOS_CA: '', HELIOS_CERT: '', HELIOS_KEY: '' };
const CA_HINT = 'give the CA with the stack config helios:ca (or HELIOS_CA)';

let certs: TestCerts;
test.before(async () => {
  certs = await makeCerts();
});
test.after.always(() => certs?.cleanup());

async function httpsMaster(t: ExecutionContext, o: { clientCa?: boolean; tokens?: string[] } = {}): Promise<TestMaster> {
  const clientTls = certs.clientTls(o.clientCa ? await certs.clientCert('lead') : undefined);
  const master = await startTestMaster({ tls: certs.serverTls(undefined, o), clientTls, tokens: o.tokens });
  t.teardown(master.close);
  t.regex(master.url, /^https:\/\//);
  return master;
}

/** A dynamic-provider host in a program directory (`files` copied into it), configured with `config`. */
async function hostWith(t: ExecutionContext, master: TestMaster, config: Record<string, string>, o: { env?: Record<string, string>; files?: string[] } = {}) {
  const program = pulumiProgramDir();
  t.teardown(program.remove);
  for (const file of o.files ?? []) copyFileSync(file, join(program.dir, file.split('/').at(-1)!));
  const host = await startProviderHost({ cwd: program.dir, project: 'helios-test', env: { ...NO_TLS_ENV, ...o.env } });
  t.teardown(host.stop);
  await host.configure({ 'helios:master': master.url, ...config });
  return host;
}

const webJob = async (name: string) => ({ name, version: '1', image: 'busybox:latest', owner: STACK, __provider: await serializeProvider(jobProvider) });

/** Create, read and delete a job through `host`, checked on the master. */
async function roundTrip(t: ExecutionContext, master: TestMaster, host: Awaited<ReturnType<typeof hostWith>>, name: string) {
  const jobUrn = urn('Job', name);
  const { id, properties } = await host.create(jobUrn, await webJob(name));
  t.is((await master.client.jobs.get(id)).owner, STACK, name);
  t.deepEqual(await host.read(jobUrn, id, properties), { id, properties }, name);
  await host.delete(jobUrn, id, properties);
  t.deepEqual(await master.client.jobs.list(), {}, name);
}

test('through the host against an HTTPS master with a private CA: helios:ca as PEM text, as a file of the program, or HELIOS_CA', async (t) => {
  const master = await httpsMaster(t);
  const [asText, asFile, fromEnv] = await Promise.all([
    hostWith(t, master, { 'helios:ca': readFileSync(certs.caFile, 'utf8') }),
    hostWith(t, master, { 'helios:ca': 'ca.pem' }, { files: [certs.caFile] }),
    hostWith(t, master, {}, { env: { HELIOS_CA: certs.caFile } }),
  ]);
  await roundTrip(t, master, asText, 'ca-text');
  await roundTrip(t, master, asFile, 'ca-file');
  await roundTrip(t, master, fromEnv, 'ca-env');
});

test('a master certificate the provider cannot verify (no CA, another CA) is refused through the host, naming helios:ca', async (t) => {
  const master = await httpsMaster(t);
  const [noCa, otherCa] = await Promise.all([
    hostWith(t, master, {}),
    hostWith(t, master, { 'helios:ca': readFileSync(certs.otherCaFile, 'utf8') }),
  ]);
  for (const host of [noCa, otherCa]) {
    const err = await t.throwsAsync<ProviderHostError>(host.create(urn('Job', 'web'), await webJob('web')));
    t.is(err!.message, `cannot reach the master at ${master.url}: its certificate is not signed by a CA this client trusts (UNABLE_TO_VERIFY_LEAF_SIGNATURE); ${CA_HINT}`);
  }
  t.deepEqual(await master.client.jobs.list(), {});
});

test('a master with --client-ca: helios:cert and helios:key (PEM texts) get in; without them the error names helios:cert', async (t) => {
  // A certificate alone is an agent's identity (its CN, a host): a deploy needs a token too.
  const master = await httpsMaster(t, { clientCa: true, tokens: ['pulumi-admin'] });
  const mine = await certs.clientCert('pulumi-ci');
  const ca = readFileSync(certs.caFile, 'utf8');
  const [withCert, without] = await Promise.all([
    hostWith(t, master, { 'helios:ca': ca, 'helios:token': 'pulumi-admin', 'helios:cert': readFileSync(mine.certFile, 'utf8'), 'helios:key': readFileSync(mine.keyFile, 'utf8') }),
    hostWith(t, master, { 'helios:ca': ca, 'helios:token': 'pulumi-admin' }),
  ]);
  await roundTrip(t, master, withCert, 'mtls');
  const err = await t.throwsAsync<ProviderHostError>(without.create(urn('Job', 'web'), await webJob('web')));
  t.regex(err!.message, /it requires a client certificate and none was given \(\w+\); give one signed by its --client-ca with the stack config helios:cert and helios:key \(or HELIOS_CERT, HELIOS_KEY\)$/);
});

const configOf = (values: Record<string, string>) => ({ config: { get: (key: string) => values[key], require: (key: string) => values[key] } });

test('calls of the provider reuse its connections to an HTTPS master: one that holds 8 connections answers 30 calls', async (t) => {
  // Each method makes its own client (provider/masterClient.ts); a keep-alive socket left open by each
  // would count against the master's connection caps (--max-conns-per-client) until it timed out.
  const master = await startTestMaster({ tls: certs.serverTls(), clientTls: certs.clientTls(), limits: { maxConnections: 8 } });
  t.teardown(master.close);
  const jobs = createJobProvider();
  await jobs.configure!(configOf({ 'helios:master': master.url, 'helios:ca': readFileSync(certs.caFile, 'utf8') }));
  const missing = `web:1:${'a'.repeat(40)}`;
  for (let i = 0; i < 30; i++) t.deepEqual(await jobs.read!(missing, { name: 'web', version: '1', image: 'busybox:latest', owner: STACK, jobId: missing }), {}, `call ${i + 1}`);
  const open = await new Promise<number>((resolve, reject) => master.master.app.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
  t.true(open <= 2, `${open} connections open`);
});

test('bad TLS config fails naming the config key or variable and the file, before any request', async (t) => {
  const master = await httpsMaster(t);
  const saved = Object.fromEntries(Object.keys(NO_TLS_ENV).map((key) => [key, process.env[key]]));
  t.teardown(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
  const mine = await certs.clientCert('pulumi-ci');
  const cases: Array<[Record<string, string>, Record<string, string>, RegExp]> = [
    [{ 'helios:ca': '/nonexistent/ca.pem' }, {}, /^helios:ca \/nonexistent\/ca\.pem cannot be read \(ENOENT\)$/],
    [{ 'helios:ca': mine.keyFile }, {}, /^helios:ca \S+ does not hold a PEM CA certificate/],
    [{}, { HELIOS_CA: '/nonexistent/ca.pem' }, /^HELIOS_CA \/nonexistent\/ca\.pem cannot be read/],
    [{ 'helios:cert': mine.certFile }, {}, /^helios:cert \S+ needs helios:key FILE too/],
    [{ 'helios:cert': mine.certFile, 'helios:key': certs.server.keyFile }, {}, /^helios:key \S+ is not the private key of the certificate in helios:cert /],
    [{ 'helios:cert': readFileSync(mine.certFile, 'utf8') }, {}, /^helios:cert and helios:key go together: give both as PEM texts, or both as file paths$/],
    [{ 'helios:cert': readFileSync(mine.certFile, 'utf8'), 'helios:key': mine.keyFile }, {}, /^helios:cert and helios:key go together/],
  ];
  for (const [config, env, message] of cases) {
    Object.assign(process.env, NO_TLS_ENV, env);
    const jobs = createJobProvider();
    await jobs.configure!(configOf({ 'helios:master': master.url, ...config }));
    await t.throwsAsync(jobs.create({ name: 'web', version: '1', image: 'busybox', owner: STACK }), { code: 'INVALID_ARGUMENT', message }, JSON.stringify(config));
  }
  t.deepEqual(await master.client.jobs.list(), {});
});
