import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface RunResult { stdout: string; stderr: string }

/**
 * Runs a program to completion with zx's `$` (loaded on first use: solo and the test harness only);
 * rejects with its stderr in the message when it exits non-zero or outlives `timeoutMs`.
 */
export async function run(file: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  const { $ } = await import('zx/core');
  const done = await $({ env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 120_000, quiet: true, nothrow: true })`${file} ${args}`;
  if (done.ok) return { stdout: done.stdout, stderr: done.stderr };
  const detail = done.stderr.trim() || done.stdout.trim();
  const why = done.exitCode !== null ? `exit code ${done.exitCode}` : `killed by ${done.signal ?? 'a signal'}`;
  throw new Error(`${file} ${args.join(' ')} failed: ${why}${detail ? `\n${detail}` : ''}`, { cause: done });
}

/** Finds a program on PATH, also looking in the sbin folders, which a non-login root PATH may lack. */
export function findProgram(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/local/bin', '/usr/bin', '/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
