import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface RunResult { stdout: string; stderr: string }

/** Runs a program to completion; rejects with its stderr in the message when it exits non-zero. */
export function run(file: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          const detail = stderr.trim() || stdout.trim();
          reject(new Error(`${file} ${args.join(' ')} failed: ${err.message.split('\n')[0]}${detail ? `\n${detail}` : ''}`, { cause: err }));
        } else {
          resolve({ stdout, stderr });
        }
      });
  });
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
