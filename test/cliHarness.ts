/**
 * Runs the real `helios` command, the compiled dist/cli/bin.js that `npm test` builds first, as a
 * child process. A test file run on its own after a source change rebuilds dist once (`npm run
 * build`), under a lock dir so that concurrent test files do not build at once.
 * @example
 *   const master = await startTestMaster(); t.teardown(master.close);
 *   const r = await helios(master, ['create', 'foo:v1', 'busybox:latest']);
 *   t.is(r.code, 0); t.is(r.lastLine, 'foo:v1:…');
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI_BIN = join(ROOT, 'dist/cli/bin.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The last non-empty line of stdout. */
  lastLine: string;
  /** stdout parsed as JSON (throws if it is not). */
  json<T = unknown>(): T;
}

/** The newest modification time of the non-test sources under `dir`. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const distIsStale = () => {
  const built = (() => { try { return statSync(CLI_BIN).mtimeMs; } catch { return 0; } })();
  return built < Math.max(newestSource(join(ROOT, 'cli')), newestSource(join(ROOT, 'core')));
};

let built: Promise<void> | undefined;

/** Builds dist/ when the CLI's or core's sources are newer than dist/cli/bin.js. */
export function ensureCliBuilt(): Promise<void> {
  built ??= (async () => {
    if (!distIsStale()) return;
    const lock = join(ROOT, 'node_modules/.helios-build.lock');
    for (let i = 0; ; i++) {
      try {
        mkdirSync(lock);
        break;
      } catch {
        if (i > 1800) throw new Error(`cannot take the build lock ${lock}`);
        await sleep(100);
      }
    }
    try {
      if (distIsStale()) await promisify(execFile)('npm', ['run', 'build', '--silent'], { cwd: ROOT });
    } finally {
      rmdirSync(lock);
    }
  })();
  return built;
}

/**
 * Runs `helios ARGS` against `master` (HELIOS_MASTER); stdin is a pipe (never a terminal), fed `input`.
 * `env` adds to (or, with undefined values, removes from) the environment; `onStdout` sees the output
 * so far each time more arrives (to act while a command that runs on is running).
 */
export async function helios(master: { url: string } | null, args: string[],
  opts: { env?: Record<string, string | undefined>; input?: string; timeoutMs?: number; onStdout?: (soFar: string) => void } = {}): Promise<CliResult> {
  await ensureCliBuilt();
  // GIT_COMMIT (set by CI) would go into every created job's metadata, and so change its id; an empty
  // LOCALDOMAIN keeps this machine's DNS search list out of host names (a test gives its own).
  const env: NodeJS.ProcessEnv = {
    ...process.env, HELIOS_MASTER: master?.url, HELIOS_TOKEN: undefined, NO_COLOR: undefined, GIT_COMMIT: undefined, LOCALDOMAIN: '', ...opts.env,
  };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); opts.onStdout?.(stdout); });
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  child.stdin.end(opts.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  return {
    code, stdout, stderr,
    lastLine: lines.at(-1) ?? '',
    json: <T>() => JSON.parse(stdout) as T,
  };
}

/**
 * Runs `helios ARGS` on a pseudo-terminal (script(1)), answering its prompts: each time the output so
 * far matches the next `[prompt, answer]`, the answer is typed (with Enter). The output is the
 * terminal's: what was echoed shows in it, what was read without echo does not.
 */
export async function heliosOnTerminal(master: { url: string } | null, args: string[], answers: Array<[RegExp, string]>,
  opts: { env?: Record<string, string | undefined>; timeoutMs?: number } = {}): Promise<{ code: number | null; output: string }> {
  await ensureCliBuilt();
  const env: NodeJS.ProcessEnv = { ...process.env, HELIOS_MASTER: master?.url, HELIOS_TOKEN: undefined, NO_COLOR: '1', GIT_COMMIT: undefined, LOCALDOMAIN: '', ...opts.env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const quoted = [process.execPath, CLI_BIN, ...args].map((w) => `'${w.replaceAll("'", "'\\''")}'`).join(' ');
  const child = spawn('script', ['-qec', quoted, '/dev/null'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let next = 0;
  let answeredAt = 0;
  child.stdout.on('data', (c: Buffer) => {
    output += c.toString();
    const prompt = answers[next]?.[0];
    // Only output after the last answer counts for the next prompt.
    if (prompt && prompt.test(output.slice(answeredAt))) {
      answeredAt = output.length;
      child.stdin.write(`${answers[next++][1]}\r`);
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output };
}

/** Splits a table into rows of cells (columns are separated by two or more spaces). */
export const tableRows = (text: string) => text.trim().split('\n').map((line) => line.trim().split(/\s{2,}/));
