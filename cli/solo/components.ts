/**
 * Starts helios-master, helios-agent and helios-syncer as child processes for `helios solo`.
 * Components never import each other, so solo runs their binaries, found next to this file's
 * own component (dist/cli → dist/master/bin.js; under tsx, the .ts sources).
 * Each child gets its own process group: a terminal's Ctrl-C reaches solo only, and solo stops
 * them in order. Their stdout and stderr are their log files themselves (not pipes through solo), so
 * they keep logging while solo stops them; solo prints a summary instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type ComponentName = 'master' | 'agent' | 'syncer';

export interface Component {
  name: ComponentName;
  pid: number;
  logFile: string;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL now (a second Ctrl-C). */
  kill(): void;
}

// Safety net: if solo itself ends without stopping its children (a bug, an uncaught error), they
// must not outlive it in their own process groups. A clean stop has emptied this set already.
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGTERM');
});

const binExtension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

export function binPath(name: ComponentName): string {
  return fileURLToPath(new URL(`../../${name}/bin${binExtension}`, import.meta.url));
}

export function startComponent(name: ComponentName, args: string[], options: { logFile: string; env: NodeJS.ProcessEnv }): Component {
  const fd = openSync(options.logFile, 'a');
  // process.execArgv carries tsx's loader when solo itself runs from source.
  const child: ChildProcess = spawn(process.execPath, [...process.execArgv, binPath(name), ...args], {
    env: options.env,
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  closeSync(fd);
  live.add(child);
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      live.delete(child);
      resolve(code ?? signal ?? 0);
    });
    child.on('error', (err) => {
      live.delete(child);
      appendFileSync(options.logFile, `failed to start ${name}: ${err.message}\n`);
      resolve(1);
    });
  });

  return {
    name,
    pid: child.pid ?? -1,
    logFile: options.logFile,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
