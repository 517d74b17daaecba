/**
 * helios-master as a real process: durability across kill -9, graceful SIGTERM and a newer database refused (each on SQLite and
 * on PostgreSQL), refusals at start-up (non-loopback without TLS and authentication) and bearer-token auth from a token file.
 */
import test, { type ExecutionContext } from 'ava';
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient, HELIOS_VERSION } from '../core/index.js';
import { tempDir } from './harness/processes.js';
import { expectError, spawnMaster, startTestMaster, urlOf } from './harness/master.js';
import { makeCerts } from './harness/certs.js';
import { ENGINES, testDatabase } from './harness/engines.js';
import { runSql } from './harness/postgres.js';
import { SCHEMA_VERSION } from '../master/store/migrations.js';
import { isPostgresUrl } from '../master/store/postgres/postgresStore.js';

for (const engine of ENGINES) {
  test(`${engine}: 1,000 jobs created in parallel are all there after kill -9 and a restart`, async (t) => {
    const db = await testDatabase(t, engine);
    const master = spawnMaster(['--db', db]);
    t.teardown(() => master.kill('SIGKILL'));
    const client = createClient({ baseUrl: await urlOf(master) });
    const results = await Promise.allSettled(Array.from({ length: 1000 }, (_, i) =>
      client.jobs.create({ id: `job-${i}:1`, image: 'busybox:latest', env: { I: String(i) } })));
    const failed = results.filter((r) => r.status === 'rejected');
    t.is(failed.length, 0, failed.slice(0, 3).map((r) => String((r as PromiseRejectedResult).reason)).join('\n'));
    const ids = results.map((r) => (r as PromiseFulfilledResult<{ id: string }>).value.id).sort();
    const exit = await master.kill('SIGKILL');
    t.is(exit.signal, 'SIGKILL');

    const again = spawnMaster(['--db', db]);
    t.teardown(() => again.kill('SIGKILL'));
    const after = createClient({ baseUrl: await urlOf(again) });
    t.deepEqual(Object.keys(await after.jobs.list()).sort(), ids);
    t.is((await after.jobs.get('job-500:1')).env.I, '500');
  });

  test(`${engine}: SIGTERM shuts the master down gracefully with exit code 0`, async (t) => {
    const master = spawnMaster(['--db', await testDatabase(t, engine)]);
    t.teardown(() => master.kill('SIGKILL'));
    const client = createClient({ baseUrl: await urlOf(master) });
    await client.hosts.register('h1', 'a1');
    const { index } = await client.agents.tasks('h1', 0, 0, { agentId: 'a1' });
    const waiting = client.agents.tasks('h1', index, 60_000, { agentId: 'a1' });
    await new Promise((r) => setTimeout(r, 200));
    const exit = await master.kill('SIGTERM');
    t.is(exit.code, 0, master.stderr);
    t.is((await waiting).index, index, 'the blocking query was answered, not cut');
    t.regex(master.stdout, /master stopping/);
  });

  test(`${engine}: a database from a newer master is refused, naming both schema versions`, async (t) => {
    const db = await testDatabase(t, engine);
    await writeMeta(db, 99);
    await t.throwsAsync(startTestMaster({ dbPath: db }), { message: new RegExp(`schema version 99.*versions up to ${SCHEMA_VERSION}\\b`) });
    const master = spawnMaster(['--db', db]);
    const exit = await master.exited;
    t.is(exit.code, 1);
    t.regex(master.stderr, new RegExp(`schema version 99, but this master knows versions up to ${SCHEMA_VERSION}\\b`));
    t.regex(master.stderr, /newer helios-master/);
  });
}

/** A database whose meta table (both engines keep it) says schema version `version`, as a newer master leaves it. */
async function writeMeta(db: string, version: number): Promise<void> {
  const sql = `CREATE TABLE meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL); INSERT INTO meta VALUES ('schemaVersion', ${version})`;
  if (isPostgresUrl(db)) return runSql(db, sql);
  const file = new Database(db);
  file.exec(sql);
  file.close();
}

// The rest is the process's flags and its token file, which the store has no part in: one engine.

test('a non-loopback address needs TLS and authentication unless --insecure; the refusal says what is missing', async (t) => {
  const dir = await tempDir('helios-master-proc-');
  t.teardown(dir.cleanup);
  const certs = await makeCerts();
  t.teardown(certs.cleanup);
  const refused = spawnMaster(['--http', '0.0.0.0:0', '--db', join(dir.path, 'm.db')]);
  t.is((await refused.exited).code, 1);
  t.is(refused.stderr.trim(), 'helios-master: refusing to listen on 0.0.0.0 without TLS or authentication: tokens and job secrets would '
    + 'cross the network in cleartext, and anyone who can reach it could deploy containers. Give --tls-cert FILE --tls-key FILE and '
    + '--token-file FILE (clients set HELIOS_TOKEN) or --client-ca FILE (clients give --cert and --key), listen on 127.0.0.1, '
    + 'or pass --insecure if the network is trusted');
  await t.throwsAsync(startTestMaster({ host: '0.0.0.0', tokens: ['t0k'] }),
    { message: /^refusing to listen on 0\.0\.0\.0 without TLS: tokens and job secrets would cross the network in cleartext\. Give --tls-cert FILE --tls-key FILE, listen/ });
  await t.throwsAsync(startTestMaster({ host: '0.0.0.0', tls: certs.serverTls() }),
    { message: /^refusing to listen on 0\.0\.0\.0 without authentication: anyone who can reach it could deploy containers\. Give --token-file FILE .* or --client-ca FILE/ });
  for (const enough of [{ insecure: true }, { tls: certs.serverTls(), tokens: ['t0k'] }, { tls: certs.serverTls(undefined, { clientCa: true }) }]) {
    const master = await startTestMaster({ host: '0.0.0.0', ...enough });
    t.teardown(master.close);
  }
  t.pass();
});

test('with a token file every request needs a bearer token from it', async (t) => {
  const dir = await tempDir('helios-master-proc-');
  t.teardown(dir.cleanup);
  const tokenFile = join(dir.path, 'tokens');
  writeFileSync(tokenFile, '# agents\nagent-secret\n\n  cli-secret  \n');
  const master = spawnMaster(['--db', join(dir.path, 'm.db'), '--token-file', tokenFile]);
  t.teardown(() => master.kill('SIGKILL'));
  const url = await urlOf(master);
  const anonymous = await fetch(`${url}/version`);
  t.is(anonymous.status, 401);
  t.like(await anonymous.json(), { status: 'UNAUTHORIZED' });
  t.is(anonymous.headers.get('helios-server-version'), HELIOS_VERSION);
  await expectError(t, createClient({ baseUrl: url, token: 'wrong' }).version(), 'UNAUTHORIZED');
  await expectError(t, createClient({ baseUrl: url, token: '# agents' }).version(), 'UNAUTHORIZED');
  const notFound = await fetch(`${url}/nothing`);
  t.is(notFound.status, 401, 'unknown routes are not revealed either');
  t.is(await createClient({ baseUrl: url, token: 'agent-secret' }).version(), HELIOS_VERSION);
  t.is(await createClient({ baseUrl: url, token: 'cli-secret' }).version(), HELIOS_VERSION);
});

/** A helios-master process with a token file (mode 0600) holding `text`. */
async function masterWithTokenFile(t: ExecutionContext, text: string) {
  const dir = await tempDir('helios-master-proc-');
  t.teardown(dir.cleanup);
  const tokenFile = join(dir.path, 'tokens');
  writeFileSync(tokenFile, text, { mode: 0o600 });
  const master = spawnMaster(['--db', join(dir.path, 'm.db'), '--token-file', tokenFile]);
  t.teardown(() => master.kill('SIGKILL'));
  return { dir, tokenFile, master, url: await urlOf(master) };
}

test('a token file line without a role is an admin token with a warning naming the line; a malformed line stops the master with file and line', async (t) => {
  const { dir, tokenFile, master, url } = await masterWithTokenFile(t, '# old format\nold-admin-token-0123456789\nread-token-0123456789 read dashboard\n');
  await master.waitForOutput(new RegExp(`${tokenFile}:2: a token without a role is an admin token`));
  t.like(await createClient({ baseUrl: url, token: 'old-admin-token-0123456789' }).whoami(), { role: 'admin', anonymous: false });
  t.false(master.stdout.includes('old-admin-token'), 'the log never shows a token');

  writeFileSync(tokenFile, 'read-token-0123456789 read dashboard\nci-token-0123456789 deploy ci the pipeline\n');
  const refused = spawnMaster(['--db', join(dir.path, 'other.db'), '--token-file', tokenFile]);
  t.is((await refused.exited).code, 1);
  t.is(refused.stderr.trim(), `helios-master: ${tokenFile}:2: expected TOKEN ROLE [NAME], found 5 words (a comment starts with # after a space)`);
});

test('SIGHUP re-reads the token file without a restart; a bad file is logged and the previous tokens stay', async (t) => {
  const { tokenFile, master, url } = await masterWithTokenFile(t, 'first-token-0123456789 deploy ci\n');
  const first = createClient({ baseUrl: url, token: 'first-token-0123456789' });
  const second = createClient({ baseUrl: url, token: 'second-token-0123456789' });
  t.like(await first.whoami(), { name: 'ci', role: 'deploy' });

  writeFileSync(tokenFile, 'second-token-0123456789 read dashboard\n');
  void master.kill('SIGHUP'); // resolves only at exit: not awaited
  await master.waitForOutput(/"msg":"token file reloaded"/);
  t.like(await second.whoami(), { name: 'dashboard', role: 'read' });
  await expectError(t, first.whoami(), 'UNAUTHORIZED');

  writeFileSync(tokenFile, 'second-token-0123456789 superuser dashboard\n');
  void master.kill('SIGHUP'); // resolves only at exit: not awaited
  await master.waitForOutput(/token file reload failed; the previous tokens still apply/);
  t.regex(master.stdout, new RegExp(`${tokenFile}:1: \\\\"superuser\\\\" is not a role`));
  t.like(await second.whoami(), { name: 'dashboard', role: 'read' }, 'the running tokens stay');
});
