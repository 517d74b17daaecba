/**
 * Runs the real `helios` command, compiled to JavaScript, as a child process. The first caller
 * compiles cli/bin.ts and everything it imports into a private folder
 * (node_modules/.cache/helios-cli-test/, so packages still resolve from the repo's node_modules)
 * whenever the sources' content changed: a private folder, because other builds writing dist/ at
 * the same time could otherwise leave an older compile there. A lock dir keeps concurrent test
 * files from compiling at once.
 * @example
 *   const master = await startTestMaster(); t.teardown(master.close);
 *   const r = await helios(master, ['create', 'foo:v1', 'busybox:latest']);
 *   t.is(r.code, 0); t.is(r.lastLine, 'foo:v1:…');
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILD_DIR = join(ROOT, 'node_modules/.cache/helios-cli-test');
export const CLI_BIN = join(BUILD_DIR, 'cli/bin.js');
const STAMP = join(BUILD_DIR, 'sources.sha1');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The last non-empty line of stdout. */
  lastLine: string;
  /** stdout parsed as JSON (throws if it is not). */
  json<T = unknown>(): T;
}

function hashSources(dir: string, hash = createHash('sha1')): ReturnType<typeof createHash> {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) hashSources(path, hash);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) hash.update(path).update(readFileSync(path));
  }
  return hash;
}

const sourcesHash = () => hashSources(join(ROOT, 'core'), hashSources(join(ROOT, 'cli'))).digest('hex');
const builtHash = () => { try { return readFileSync(STAMP, 'utf8'); } catch { return ''; } };

let built: Promise<void> | undefined;

/** Compiles cli/bin.ts and everything it imports (statically or by `import()`) when the sources changed. */
export function ensureCliBuilt(): Promise<void> {
  built ??= (async () => {
    if (builtHash() === sourcesHash()) return;
    mkdirSync(BUILD_DIR, { recursive: true });
    const lock = `${BUILD_DIR}.lock`;
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
      const hash = sourcesHash();
      if (builtHash() === hash) return;
      const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
      const args = ['cli/bin.ts', '--ignoreConfig', '--outDir', BUILD_DIR, '--rootDir', '.', '--module', 'NodeNext', '--moduleResolution', 'NodeNext',
        '--target', 'ES2022', '--lib', 'ES2023', '--types', 'node', '--strict', '--esModuleInterop', '--skipLibCheck',
        '--resolveJsonModule', '--verbatimModuleSyntax'];
      const result = await promisify(execFile)(process.execPath, [tsc, ...args], { cwd: ROOT }).then(() => '', (err: { stdout?: string }) => err.stdout ?? '');
      // Type errors (say, in a file another helper is halfway through) still emit JavaScript.
      if (result && !/error TS/.test(result)) throw new Error(`tsc failed: ${result}`);
      writeFileSync(STAMP, hash);
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
