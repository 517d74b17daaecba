/** Helpers for end-to-end tests: child processes, ports, temp dirs, polling. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';

export interface ExitInfo { code: number | null; signal: NodeJS.Signals | null }

export interface SpawnedProcess {
  readonly pid: number | undefined;
  /** Everything written so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves when the process has exited (never rejects; a spawn error resolves with code 127). */
  readonly exited: Promise<ExitInfo>;
  /** Resolves with the first match in stdout or stderr; rejects on timeout or when the process exits first. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends a signal (SIGTERM by default) to its process group unless it has exited; resolves when it has. */
  kill(signal?: NodeJS.Signals): Promise<ExitInfo>;
}

const running = new Set<ChildProcess>();
// A test that fails half-way must not leave daemons behind when the test process ends.
process.on('exit', () => {
  for (const child of running) signalGroup(child, 'SIGKILL');
});

/**
 * Each process leads its own process group and is signalled as a group, so wrappers (npx, tsx, sh -c)
 * take their real program down with them.
 */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

function tail(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Starts a program with `env` added to the current environment.
 * @example
 * const master = spawnProcess('node', ['dist/master/bin.js'], { env: { PORT: '0' } });
 * const [, port] = await master.waitForOutput(/listening on .*:(\d+)/);
 * t.teardown(() => master.kill());
 */
export function spawnProcess(cmd: string, args: readonly string[] = [], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): SpawnedProcess {
  const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(child);
  let stdout = '';
  let stderr = '';
  let exitInfo: ExitInfo | undefined;
  const listeners = new Set<() => void>();
  const notify = (): void => listeners.forEach((listener) => listener());
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; notify(); });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; notify(); });
  const exited = new Promise<ExitInfo>((resolve) => {
    child.on('error', (err) => { stderr += `\n${err.message}\n`; exitInfo ??= { code: 127, signal: null }; resolve(exitInfo); notify(); });
    // 'close' waits for the last output, but a grandchild holding the pipes could delay it for long.
    let closed = false;
    child.on('close', () => (closed = true));
    child.on('exit', (code, signal) => {
      const done = (): void => { exitInfo ??= { code, signal }; resolve(exitInfo); notify(); };
      if (closed) done();
      else Promise.race([new Promise((r) => child.once('close', r)), sleep(500)]).then(done, done);
    });
  }).finally(() => running.delete(child));

  const describe = (): string => `${cmd} ${args.join(' ')}\n--- stdout ---\n${tail(stdout)}\n--- stderr ---\n${tail(stderr)}`;

  return {
    pid: child.pid,
    get stdout() { return stdout; },
    get stderr() { return stderr; },
    exited,
    waitForOutput(pattern, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const match = pattern.exec(stdout) ?? pattern.exec(stderr);
          if (match) finish(() => resolve(match));
          else if (exitInfo) finish(() => reject(new Error(`exited (${exitInfo?.signal ?? exitInfo?.code}) before printing ${pattern}: ${describe()}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`no output matching ${pattern} within ${timeoutMs} ms: ${describe()}`))), timeoutMs);
        const finish = (settle: () => void): void => { clearTimeout(timer); listeners.delete(check); settle(); };
        listeners.add(check);
        check();
      });
    },
    kill(signal = 'SIGTERM') {
      if (!exitInfo) signalGroup(child, signal);
      return exited;
    },
  };
}

/** A TCP port that was free on 127.0.0.1 a moment ago. Prefer port 0 where the server allows it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A fresh folder under the OS temp dir; `cleanup` removes it (pass it to `t.teardown`). */
export async function tempDir(prefix = 'helios-'): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true, maxRetries: 3 }) };
}

/**
 * Polls fn until it returns a truthy value, and resolves with that value. A throw counts as "not yet".
 * On timeout it throws with the message, the last value and the last error.
 * @example const status = await waitFor(() => client.status(job), { message: 'job running' });
 */
export async function waitFor<T>(fn: () => T | Promise<T>, opts: { timeoutMs?: number; intervalMs?: number; message?: string } = {}): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await fn();
      lastError = undefined;
      if (last) return last as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) break;
    await sleep(Math.min(opts.intervalMs ?? 100, Math.max(0, deadline - Date.now())));
  }
  const error = lastError === undefined ? '' : `; last error: ${lastError instanceof Error ? lastError.message : inspect(lastError)}`;
  throw new Error(`${opts.message ?? 'condition'} not met within ${timeoutMs} ms; last value: ${inspect(last, { depth: 4 })}${error}`);
}
