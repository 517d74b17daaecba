/**
 * A real helios-agent (`node dist/agent/bin.js`, so `npm run build` first) as a child process on the
 * Docker engine of DOCKER_HOST, with its own state dir and its log in a file, as masterProcess.ts
 * starts the master.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { logTail, spawnDaemon } from '../lib/daemon.js';
import { repoRoot } from '../lib/masterProcess.js';
import { sleep } from '../lib/timing.js';

export interface AgentProcess {
  name: string;
  pid: number;
  logPath: string;
  /** SIGTERM (the agent lets go of its containers, it never stops them), SIGKILL after 10 s; removes its dir. */
  stop(): Promise<void>;
}

export async function startAgentProcess(o: { baseUrl: string; name: string; readyTimeoutMs?: number }): Promise<AgentProcess> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'helios-soak-agent-'));
  const logPath = path.join(dir, 'agent.log');
  // --pull missing: no registry here, so :latest would be asked for (and refused) before every creation.
  const daemon = spawnDaemon([path.join(repoRoot, 'dist/agent/bin.js'), '--master', o.baseUrl, '--name', o.name,
    '--state-dir', path.join(dir, 'state'), '--bind-ip', '127.0.0.1', '--pull', 'missing'], { cwd: dir, logPath });
  const stop = async () => {
    await daemon.stop(10_000);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (o.readyTimeoutMs ?? 30_000);
  while (!readFileSync(logPath, 'utf8').includes('registered with the master')) {
    const exited = daemon.exited();
    if (exited || Date.now() > deadline) {
      const tail = logTail(logPath);
      await stop();
      throw new Error(`the agent ${exited ? `exited (${exited})` : 'did not register'}: ${tail}`);
    }
    await sleep(100);
  }
  return { name: o.name, pid: daemon.child.pid!, logPath, stop };
}

/** Lines of a pino log at warn (40) and error (50) or above: what a daemon complained about. */
export interface LogComplaints {
  warn: number;
  error: number;
  lastWarn?: string;
  lastError?: string;
}

export function logComplaints(logPath: string): LogComplaints {
  let text = '';
  try {
    text = readFileSync(logPath, 'utf8');
  } catch {
    return { warn: 0, error: 0 };
  }
  const out: LogComplaints = { warn: 0, error: 0 };
  for (const line of text.split('\n')) {
    const level = Number(/"level":(\d+)/.exec(line)?.[1]);
    const message = () => /"msg":"([^"]*)"/.exec(line)?.[1] ?? line.slice(0, 200);
    if (level >= 50) {
      out.error++;
      out.lastError = message();
    } else if (level >= 40) {
      out.warn++;
      out.lastWarn = message();
    }
  }
  return out;
}
