/**
 * Starts helios-master, helios-agent and helios-syncer as child processes for `helios solo`.
 * Components never import each other, so solo runs their binaries, found next to this file's
 * own component (dist/cli → dist/master/bin.js; under tsx, the .ts sources).
 * Each child gets its own process group: a terminal's Ctrl-C reaches solo only, and solo stops
 * them in order. Their logs go to files; solo prints a summary instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
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
}

const binExtension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

export function binPath(name: ComponentName): string {
  return fileURLToPath(new URL(`../../${name}/bin${binExtension}`, import.meta.url));
}

export function startComponent(name: ComponentName, args: string[], options: { logFile: string; env: NodeJS.ProcessEnv }): Component {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  // process.execArgv carries tsx's loader when solo itself runs from source.
  const child: ChildProcess = spawn(process.execPath, [...process.execArgv, binPath(name), ...args], {
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 0));
    child.on('error', (err) => {
      log.write(`failed to start ${name}: ${err.message}\n`);
      resolve(1);
    });
  });
  void exited.then(() => log.end());

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
  };
}
