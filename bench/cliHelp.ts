/**
 * `helios --help` as a user runs it: the `helios` on PATH that `npm link` puts in a prefix (here a
 * temporary one, `npm_config_prefix`), a symlink to dist/cli/bin.js started through its
 * `#!/usr/bin/env node` line, next to `node -e 0` (the floor any Node command pays), run interleaved.
 * **Target: median < 150 ms.** Also times the `npm link` itself. With `--tarball` (not in the suite:
 * minutes, most of it compiling better-sqlite3) it also times `npm pack` and
 * `npm install -g --prefix DIR --prefer-offline ./helios-X.tgz`, and measures that install's `helios`.
 * Needs dist/ (`npm run build`). Run alone: `npx tsx bench/cliHelp.ts [--quick] [--runs N] [--tarball]`
 * prints JSON, then a table.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BenchOptions, Figure } from './lib/figures.js';
import { latencyFigures } from './lib/figures.js';
import { repoRoot } from './lib/masterProcess.js';
import { timeProcess } from './lib/proc.js';
import { renderTable } from './lib/table.js';
import { timed } from './lib/timing.js';

const run$ = promisify(execFile);

export interface CliHelpOptions extends BenchOptions {
  runs?: number;
  /** Also pack the package and install the tarball globally (minutes). */
  tarball?: boolean;
}

const NPM_QUIET = ['--no-audit', '--no-fund', '--loglevel=error'];

/** `npm link` of the repository into `prefix`: its `helios` is prefix/bin/helios. */
async function link(prefix: string): Promise<number> {
  const { ms } = await timed(() => run$('npm', ['link', '--ignore-scripts', ...NPM_QUIET], { cwd: repoRoot, env: { ...process.env, npm_config_prefix: prefix } }));
  return ms;
}

/** `npm pack` then `npm install -g` of the tarball into `prefix`, from npm's cache where it can. */
async function installTarball(prefix: string, dir: string): Promise<{ packMs: number; installMs: number }> {
  const packed = await timed(() => run$('npm', ['pack', '--pack-destination', dir, '--loglevel=error'], { cwd: repoRoot }));
  const tarball = path.join(dir, packed.result.stdout.trim().split('\n').at(-1)!);
  const installed = await timed(() => run$('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', ...NPM_QUIET, tarball], { cwd: dir, maxBuffer: 16 << 20 }));
  return { packMs: packed.ms, installMs: installed.ms };
}

/** Medians of `helios --help` through `bin` and of `node -e 0`, interleaved, within the budget. */
async function timeHelp(bin: string, runs: number, deadline: number): Promise<{ help: number[]; node: number[] }> {
  const options = { cwd: tmpdir(), env: { NO_COLOR: '1' } };
  await timeProcess(bin, ['--help'], options); // untimed: the OS file cache
  await timeProcess(process.execPath, ['-e', '0'], options);
  const help: number[] = [];
  const node: number[] = [];
  for (let i = 0; i < runs && (i < 5 || performance.now() < deadline); i++) {
    node.push(await timeProcess(process.execPath, ['-e', '0'], options));
    help.push(await timeProcess(bin, ['--help'], options));
  }
  return { help, node };
}

function helpFigures(label: string, samples: { help: number[]; node: number[] }): Figure[] {
  const [median, p95] = latencyFigures(label, samples.help, { name: 'node -e 0', samples: samples.node }, ['median', 'p95']);
  return [{ ...median, target: { op: '<', value: 150 } }, p95];
}

export async function run(options: CliHelpOptions = {}): Promise<Figure[]> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const budgetMs = options.budgetMs ?? 60_000;
  const runs = options.runs ?? (options.quick ? 10 : 30);
  const dir = mkdtempSync(path.join(tmpdir(), 'helios-cli-help-'));
  try {
    const linkPrefix = path.join(dir, 'link');
    const linkMs = await link(linkPrefix);
    log(`npm link: ${(linkMs / 1000).toFixed(1)} s`);
    const figures: Figure[] = [
      ...helpFigures('helios --help (npm link)', await timeHelp(path.join(linkPrefix, 'bin/helios'), runs, started + budgetMs * 0.8)),
      { name: 'npm link', value: linkMs / 1000, unit: 's', note: 'bin symlinks in a temporary prefix' },
    ];
    if (options.tarball) {
      const prefix = path.join(dir, 'global');
      const { packMs, installMs } = await installTarball(prefix, dir);
      log(`npm pack ${(packMs / 1000).toFixed(1)} s, npm install -g ${(installMs / 1000).toFixed(1)} s`);
      figures.push(
        ...helpFigures('helios --help (npm install -g)', await timeHelp(path.join(prefix, 'bin/helios'), runs, Infinity)),
        { name: 'npm pack', value: packMs / 1000, unit: 's' },
        { name: 'npm install -g of the tarball', value: installMs / 1000, unit: 's', note: '--prefer-offline; includes building better-sqlite3' },
      );
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--runs');
  const figures = await run({
    quick: process.argv.includes('--quick'), runs: i > 0 ? Number(process.argv[i + 1]) : undefined,
    tarball: process.argv.includes('--tarball'), budgetMs: 600_000, log: (m) => process.stderr.write(`${m}\n`),
  });
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n${renderTable(figures.map((f) => ({ benchmark: 'cliHelp', ...f })))}\n`);
}
