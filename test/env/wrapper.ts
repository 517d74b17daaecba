/**
 * What test/env/withDocker.ts and withPostgres.ts share: run `<command> [args…]` with the
 * environment a setup gives, forwarding SIGINT/SIGTERM/SIGHUP to it, tear the setup down afterwards
 * and exit with the command's exit code (128 + signal number when it died of a signal).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:os';

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface Setup {
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 1);
}

export function runWrapped(script: string, log: (message: string) => void, setup: (interrupted: () => boolean) => Promise<Setup>): void {
  let child: ChildProcess | undefined;
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
    } else if (!interrupted) {
      interrupted = signal;
      log(`${signal}: cleaning up, please wait`);
    }
  };
  const runCommand = (command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> => new Promise((resolve) => {
    child = spawn(command, args, { stdio: 'inherit', env });
    child.on('error', (err) => {
      log(`cannot run ${command}: ${err.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(signal ? signalExitCode(signal) : (code ?? 1)));
  });
  const main = async (command: string, args: string[]): Promise<number> => {
    const ready = await setup(() => interrupted !== undefined);
    try {
      if (interrupted) return signalExitCode(interrupted);
      return await runCommand(command, args, ready.env);
    } finally {
      await ready.stop();
    }
  };

  const [command, ...args] = process.argv.slice(2);
  if (!command) {
    process.stderr.write(`usage: tsx ${script} <command> [args…]\n`);
    process.exit(2);
  }
  for (const signal of FORWARDED) process.on(signal, onSignal);
  main(command, args).then(
    (code) => process.exit(code),
    (err: unknown) => {
      log(`failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
