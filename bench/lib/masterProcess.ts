/**
 * Starts a real master (`node dist/master/bin.js`, so `npm run build` first) on 127.0.0.1 as a child
 * process with its own database, and stops it. Its log goes to a file next to the database.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { logTail, spawnDaemon } from './daemon.js';
import { createJsonClient } from './http.js';
import { freePort } from './proc.js';
import { sleep } from './timing.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface MasterProcess {
  baseUrl: string;
  pid: number;
  dir: string;
  /** Its --db: a file, or a PostgreSQL URL. */
  dbPath: string;
  logPath: string;
  child: ChildProcess;
  /** SIGTERM, then SIGKILL after 5 s; removes the temp dir unless `keep`. */
  stop(options?: { keep?: boolean }): Promise<void>;
}

export interface StartMasterOptions {
  /** Its --db; default a SQLite file in its temp dir. */
  db?: string;
  /** Its --name (several masters over one PostgreSQL need their own); default bench-master. */
  name?: string;
  /** Extra command-line flags, e.g. ['--down-after', '120000']. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
}

/**
 * @example
 *   const master = await startMaster();
 *   // … requests to master.baseUrl …
 *   await master.stop();
 */
export async function startMaster(options: StartMasterOptions = {}): Promise<MasterProcess> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'helios-bench-'));
  const dbPath = options.db ?? path.join(dir, 'master.db');
  const logPath = path.join(dir, 'master.log');
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const daemon = spawnDaemon([path.join(repoRoot, 'dist/master/bin.js'),
    '--http', `127.0.0.1:${port}`, '--db', dbPath, '--name', options.name ?? 'bench-master', ...(options.args ?? [])], { cwd: dir, logPath, env: options.env });
  const { child } = daemon;
  const stop = async (o: { keep?: boolean } = {}) => {
    await daemon.stop(5_000);
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
  };

  const api = createJsonClient({ baseUrl, timeoutMs: 1_000 });
  const deadline = Date.now() + (options.readyTimeoutMs ?? 15_000);
  try {
    for (;;) {
      if (daemon.exited()) throw new Error(`the master exited (${daemon.exited()}) before answering: ${logTail(logPath)}`);
      try {
        await api.request('GET', '/version');
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`the master did not answer on ${baseUrl} within ${options.readyTimeoutMs ?? 15_000} ms: ${logTail(logPath)}`);
        await sleep(100);
      }
    }
  } catch (err) {
    await stop();
    throw err;
  } finally {
    api.close();
  }
  return { baseUrl, pid: child.pid!, dir, dbPath, logPath, child, stop };
}
