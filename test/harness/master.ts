/**
 * A real master for tests: listening on 127.0.0.1 port 0 over a fresh database, a SQLite file in its
 * own temp dir or, with `engine: 'postgres'` (or HELIOS_TEST_ENGINE=postgres), a database of its own on
 * HELIOS_TEST_PG, dropped at close
 * (over HTTPS with `tls`, see certs.ts), in this process or as a `helios-master` child process.
 * @example
 *   const master = await startTestMaster();
 *   for (const engine of ENGINES) test(`${engine}: …`, async (t) => { const m = await startTestMaster({ engine }); … });
 *   t.teardown(master.close);
 *   await master.client.jobs.create({ id: 'web:1', image: 'busybox:latest' });
 *   const secure = await startTestMaster({ tls: certs.serverTls(), clientTls: certs.clientTls() });
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ExecutionContext } from 'ava';
import { createClient, HeliosError, type ErrorCode, type HeartbeatRequest, type HeliosClient, type TlsOptions } from '../../core/index.js';
import { startMaster, type RunningMaster, type StartOptions } from '../../master/server.js';
import { spawnProcess, type SpawnedProcess } from './processes.js';
import { createDatabase, dumpPostgres, onPostgres } from './postgres.js';
import type { Engine } from './engines.js';
import { isPostgresUrl } from '../../master/store/postgres/postgresStore.js';

export interface TestMasterOptions extends Partial<StartOptions> {
  /** Use this database file (e.g. to restart on the same db); default a new one in a temp dir. */
  dbPath?: string;
  /** The engine of the new database when there is no `dbPath` (default sqlite, or HELIOS_TEST_ENGINE). */
  engine?: Engine;
  /** Token the returned client sends (default: the first of `tokens`). */
  clientToken?: string;
  /** The returned client's CA and client certificate (a master with `tls` needs at least the CA). */
  clientTls?: TlsOptions;
  /** Keep the temp dir after close (to inspect or reopen the db). */
  keepDir?: boolean;
}

export interface TestMaster {
  url: string;
  client: HeliosClient;
  dbPath: string;
  dir: string;
  master: RunningMaster;
  /** A client with other options (another owner, token, user, TLS). */
  clientWith(options: ClientOverrides): HeliosClient;
  close(): Promise<void>;
}

type ClientOverrides = { owner?: string; token?: string; user?: string; tls?: TlsOptions };

export async function startTestMaster(opts: TestMasterOptions = {}): Promise<TestMaster> {
  const dir = mkdtempSync(join(tmpdir(), 'helios-master-'));
  const { clientToken, clientTls, keepDir, engine = onPostgres() ? 'postgres' : 'sqlite', ...start } = opts;
  // On PostgreSQL: a database of its own on the run's server instead of a file.
  const database = opts.dbPath === undefined && engine === 'postgres' ? await createDatabase() : undefined;
  const dbPath = opts.dbPath ?? database?.url ?? join(dir, 'master.db');
  const master = await startMaster({
    name: 'test-master',
    logger: process.env.HELIOS_TEST_LOG ? { level: process.env.HELIOS_TEST_LOG } : false,
    ...start,
    dbPath,
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? 0,
  });
  const first = opts.tokens?.[0];
  const token = clientToken ?? (typeof first === 'string' ? first : first?.token);
  const clientWith = (o: ClientOverrides) => createClient({ baseUrl: master.url, token, tls: clientTls, user: 'tester', ...o });
  let closed = false;
  return {
    url: master.url,
    client: clientWith({}),
    dbPath,
    dir,
    master,
    clientWith,
    close: async () => {
      if (closed) return;
      closed = true;
      await master.close();
      if (!keepDir) {
        rmSync(dir, { recursive: true, force: true });
        await database?.drop();
      }
    },
  };
}

const root = new URL('../..', import.meta.url).pathname;

/**
 * helios-master as a child process (from source), on 127.0.0.1 port 0 unless `args` give --http.
 * @example
 *   const master = spawnMaster(['--db', join(dir, 'm.db'), '--tls-cert', cert, '--tls-key', key]);
 *   t.teardown(() => master.kill('SIGKILL'));
 *   const url = await urlOf(master); // https://127.0.0.1:…
 */
export function spawnMaster(args: string[]): SpawnedProcess {
  const listen = args.includes('--http') ? [] : ['--http', '127.0.0.1:0'];
  return spawnProcess(process.execPath, ['--import', 'tsx', 'master/bin.ts', ...listen, '--name', 'proc', ...args], { cwd: root });
}

/**
 * `helios-master ARGS` run to its end (a database command: backup, check), from source.
 * @example const { code, stdout } = await runMasterCommand(['check', '--db', dbPath]);
 */
export async function runMasterCommand(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = spawnProcess(process.execPath, ['--import', 'tsx', 'master/bin.ts', ...args], { cwd: root });
  const { code } = await run.exited;
  return { code, stdout: run.stdout, stderr: run.stderr };
}

/** The URL a spawned master logs once it listens. */
export async function urlOf(master: SpawnedProcess): Promise<string> {
  const [, url] = await master.waitForOutput(/"url":"(https?:\/\/[^"]+)"/, 60_000);
  return url;
}

/**
 * A test master, closed when the test ends, with `hosts` registered as agents `id-<host>` (no agent
 * runs: they stay DOWN until a test heartbeats for them).
 * @example const m = await masterWithHosts(t, ['h1', 'h2']);
 */
export async function masterWithHosts(t: ExecutionContext, hosts: string[], opts: TestMasterOptions = {}): Promise<TestMaster> {
  const m = await startTestMaster(opts);
  t.teardown(m.close);
  for (const host of hosts) await m.client.hosts.register(host, `id-${host}`);
  return m;
}

/** A valid heartbeat body for agent `id` (tests that play the agent). */
export function heartbeatBody(id: string, over: Partial<HeartbeatRequest> = {}): HeartbeatRequest {
  return {
    id,
    hostInfo: {
      hostname: 'test-host', uname: 'Linux test 6.1.0', architecture: 'x64', osName: 'Linux', osVersion: '6.1.0',
      cpus: 2, loadAvg: 0.5, memoryTotalBytes: 8e9, memoryFreeBytes: 4e9, swapTotalBytes: 0, swapFreeBytes: 0,
      uptime: 1000, dockerVersion: { version: '26.1.5', apiVersion: '1.45' }, dockerHost: 'unix:///var/run/docker.sock',
    },
    agentInfo: { name: 'helios-agent', version: '0.1.0', startTime: Date.now() - 1000, uptime: 1000 },
    labels: {},
    environment: {},
    dockerError: null,
    ...over,
  };
}

/** Every row of every table (read through a second connection), to show a request changed nothing. */
export async function dumpDb(dbPath: string): Promise<Record<string, unknown[]>> {
  if (isPostgresUrl(dbPath)) return dumpPostgres(dbPath);
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
    return Object.fromEntries(tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY 1, 2`).all()]));
  } finally {
    db.close();
  }
}

/** Awaits a rejected client call and checks its error code; returns the error for more checks. */
export async function expectError(t: ExecutionContext, promise: Promise<unknown>, code: ErrorCode): Promise<HeliosError> {
  const err = await t.throwsAsync(promise, { instanceOf: HeliosError });
  t.is(err?.code, code, err?.message);
  return err as HeliosError;
}
