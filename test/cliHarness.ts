/**
 * Runs the real `helios` command (compiled, `node dist/cli/bin.js`) as a child process. The first
 * caller compiles cli/ (and the core files it imports) when any source is newer than dist/; a lock
 * dir keeps concurrent test files from compiling at once.
 * @example
 *   const master = await startTestMaster(); t.teardown(master.close);
 *   const r = await helios(master, ['create', 'foo:v1', 'busybox:latest']);
 *   t.is(r.code, 0); t.is(r.lastLine, 'foo:v1:…');
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
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

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const mtime = (path: string) => { try { return statSync(path).mtimeMs; } catch { return 0; } };
const isStale = () => mtime(join(ROOT, 'dist/cli/index.js')) < Math.max(newestMtime(join(ROOT, 'cli')), newestMtime(join(ROOT, 'core')));

let built: Promise<void> | undefined;

/** Compiles cli/bin.ts and everything it imports (statically or by `import()`) into dist/ when stale. */
export function ensureCliBuilt(): Promise<void> {
  built ??= (async () => {
    if (!isStale()) return;
    const lock = join(tmpdir(), `helios-cli-build-${Buffer.from(ROOT).toString('hex').slice(-24)}.lock`);
    for (let i = 0; ; i++) {
      try {
        mkdirSync(lock);
        break;
      } catch {
        if (i > 1200) throw new Error(`cannot take the build lock ${lock}`);
        await sleep(100);
      }
    }
    try {
      if (!isStale()) return;
      const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
      const args = ['cli/bin.ts', '--ignoreConfig', '--outDir', 'dist', '--rootDir', '.', '--module', 'NodeNext', '--moduleResolution', 'NodeNext',
        '--target', 'ES2022', '--lib', 'ES2023', '--types', 'node', '--strict', '--esModuleInterop', '--skipLibCheck',
        '--resolveJsonModule', '--declaration', '--sourceMap', '--verbatimModuleSyntax'];
      await promisify(execFile)(process.execPath, [tsc, ...args], { cwd: ROOT }).catch((err: { stdout?: string }) => {
        // Type errors still emit JavaScript; only a missing output is fatal (checked below).
        if (process.env.HELIOS_TEST_LOG) console.error(err.stdout);
      });
      if (isStale()) throw new Error(`compiling ${relative(ROOT, CLI_BIN)} failed`);
    } finally {
      rmdirSync(lock);
    }
  })();
  return built;
}

/**
 * Runs `helios ARGS` against `master` (HELIOS_MASTER); stdin is a pipe (never a terminal), fed `input`.
 * `env` adds to (or, with undefined values, removes from) the environment.
 */
export async function helios(master: { url: string } | null, args: string[],
  opts: { env?: Record<string, string | undefined>; input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  await ensureCliBuilt();
  const env: NodeJS.ProcessEnv = { ...process.env, HELIOS_MASTER: master?.url, HELIOS_TOKEN: undefined, NO_COLOR: undefined, ...opts.env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
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

/** Splits a table into rows of cells (columns are separated by two or more spaces). */
export const tableRows = (text: string) => text.trim().split('\n').map((line) => line.trim().split(/\s{2,}/));
