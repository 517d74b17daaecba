/**
 * Starts a real master (`node dist/master/bin.js`, so `npm run build` first) on 127.0.0.1 as a child
 * process with its own database, and stops it. Its log goes to a file next to the database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJsonClient } from './http.js';
import { freePort } from './proc.js';
import { sleep } from './timing.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface MasterProcess {
  baseUrl: string;
  pid: number;
  dir: string;
  dbPath: string;
  logPath: string;
  child: ChildProcess;
  /** SIGTERM, then SIGKILL after 5 s; removes the temp dir unless `keep`. */
  stop(options?: { keep?: boolean }): Promise<void>;
}

export interface StartMasterOptions {
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
  const dbPath = path.join(dir, 'master.db');
  const logPath = path.join(dir, 'master.log');
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const log = openSync(logPath, 'a');
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist/master/bin.js'),
    '--http', `127.0.0.1:${port}`, '--db', dbPath, '--name', 'bench-master', ...(options.args ?? [])], {
    cwd: dir, stdio: ['ignore', log, log], env: { ...process.env, ...options.env },
  });
  let exited: string | undefined;
  child.on('exit', (code, signal) => { exited = signal ?? `exit code ${code}`; });

  const stop = async (o: { keep?: boolean } = {}) => {
    if (!exited) {
      child.kill('SIGTERM');
      const deadline = Date.now() + 5_000;
      while (!exited && Date.now() < deadline) await sleep(50);
      if (!exited) child.kill('SIGKILL');
      while (!exited) await sleep(20);
    }
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
  };

  const api = createJsonClient({ baseUrl, timeoutMs: 1_000 });
  const deadline = Date.now() + (options.readyTimeoutMs ?? 15_000);
  try {
    for (;;) {
      if (exited) throw new Error(`the master exited (${exited}) before answering: ${tail(logPath)}`);
      try {
        await api.request('GET', '/version');
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`the master did not answer on ${baseUrl} within ${options.readyTimeoutMs ?? 15_000} ms: ${tail(logPath)}`);
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

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-5).join('\n') || '(empty log)';
  } catch {
    return '(no log)';
  }
}
