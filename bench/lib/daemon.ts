/** A daemon a benchmark starts (master, agent): `node ARGS` with its output in a log file, stopped with SIGTERM, then SIGKILL. */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { sleep } from './timing.js';

export interface Daemon {
  child: ChildProcess;
  /** How it ended ('SIGKILL', 'exit code 1'), undefined while it runs. */
  exited(): string | undefined;
  /** SIGTERM, SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs: number): Promise<void>;
}

export function spawnDaemon(args: readonly string[], o: { cwd: string; logPath: string; env?: NodeJS.ProcessEnv }): Daemon {
  const log = openSync(o.logPath, 'a');
  const child = spawn(process.execPath, args, { cwd: o.cwd, stdio: ['ignore', log, log], env: { ...process.env, ...o.env } });
  let exited: string | undefined;
  child.on('exit', (code, signal) => { exited = signal ?? `exit code ${code}`; });
  return {
    child,
    exited: () => exited,
    async stop(graceMs) {
      if (exited) return;
      child.kill('SIGTERM');
      const deadline = Date.now() + graceMs;
      while (!exited && Date.now() < deadline) await sleep(50);
      if (!exited) child.kill('SIGKILL');
      while (!exited) await sleep(20);
    },
  };
}

/** The last lines of a log, for an error message. */
export function logTail(file: string, lines = 5): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n') || '(empty log)';
  } catch {
    return '(no log)';
  }
}
