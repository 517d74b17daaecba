/**
 * A real master for tests: listening on 127.0.0.1 port 0 over a fresh SQLite file in its own temp dir.
 * @example
 *   const master = await startTestMaster();
 *   t.teardown(master.close);
 *   await master.client.jobs.create({ id: 'web:1', image: 'busybox:latest' });
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type HeliosClient } from '../../core/index.js';
import { startMaster, type RunningMaster, type StartOptions } from '../../master/server.js';

export interface TestMasterOptions extends Partial<StartOptions> {
  /** Use this database file (e.g. to restart on the same db); default a new one in a temp dir. */
  dbPath?: string;
  /** Token the returned client sends (default: the first of `tokens`). */
  clientToken?: string;
  /** Keep the temp dir after close (to inspect or reopen the db). */
  keepDir?: boolean;
}

export interface TestMaster {
  url: string;
  client: HeliosClient;
  dbPath: string;
  dir: string;
  master: RunningMaster;
  /** A client with other options (another owner, token, user). */
  clientWith(options: { owner?: string; token?: string; user?: string }): HeliosClient;
  close(): Promise<void>;
}

export async function startTestMaster(opts: TestMasterOptions = {}): Promise<TestMaster> {
  const dir = mkdtempSync(join(tmpdir(), 'helios-master-'));
  const dbPath = opts.dbPath ?? join(dir, 'master.db');
  const { clientToken, keepDir, ...start } = opts;
  const master = await startMaster({
    name: 'test-master',
    logger: process.env.HELIOS_TEST_LOG ? { level: process.env.HELIOS_TEST_LOG } : false,
    ...start,
    dbPath,
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? 0,
  });
  const token = clientToken ?? opts.tokens?.[0];
  const clientWith = (o: { owner?: string; token?: string; user?: string }) =>
    createClient({ baseUrl: master.url, token, user: 'tester', ...o });
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
      if (!keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
