/**
 * Runs a command against a Docker engine: `tsx test/env/withDocker.ts <command> [args…]`.
 * Uses DOCKER_HOST when it answers, otherwise starts a private dockerd for the run and stops it
 * afterwards. Makes sure the busybox test image exists, sets DOCKER_HOST for the command and exits
 * with the command's exit code (128 + signal number when it died of a signal).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:os';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBusyboxImage } from '../../cli/solo/docker/busyboxImage.js';
import { ensureDockerEngine } from './dockerEngine.js';
import { log } from './log.js';

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

let child: ChildProcess | undefined;
let interrupted: NodeJS.Signals | undefined;

function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 1);
}

function onSignal(signal: NodeJS.Signals): void {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill(signal);
  } else if (!interrupted) {
    interrupted = signal;
    log(`${signal}: cleaning up, please wait`);
  }
}

function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    child = spawn(command, args, { stdio: 'inherit', env });
    child.on('error', (err) => {
      log(`cannot run ${command}: ${err.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(signal ? signalExitCode(signal) : (code ?? 1)));
  });
}

async function main(command: string, args: string[]): Promise<number> {
  const engine = await ensureDockerEngine();
  try {
    if (interrupted) return signalExitCode(interrupted);
    await ensureBusyboxImage(engine.dockerHost, log);
    if (interrupted) return signalExitCode(interrupted);
    const localBin = fileURLToPath(new URL('../../node_modules/.bin', import.meta.url));
    const env = { ...process.env, DOCKER_HOST: engine.dockerHost, PATH: `${localBin}${delimiter}${process.env.PATH ?? ''}` };
    return await runCommand(command, args, env);
  } finally {
    await engine.stop();
  }
}

const [command, ...args] = process.argv.slice(2);
if (!command) {
  process.stderr.write('usage: tsx test/env/withDocker.ts <command> [args…]\n');
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
