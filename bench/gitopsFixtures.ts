/**
 * Git fixtures for the GitOps benchmarks: a local repository with N job files written in one
 * `git fast-import` run (seconds for 10,000 files, where `git add` of loose files takes much longer),
 * and one-file commits on top of it.
 */
import { execFileSync, spawnSync } from 'node:child_process';

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@helios.invalid',
  GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@helios.invalid',
};

export const gitCli = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' }).trim();

export function jobYaml(name: string, opts: { version?: string; hosts?: string[]; env?: Record<string, string>; command?: string[] } = {}): string {
  const lines = [
    `name: ${name}`,
    `version: "${opts.version ?? '1'}"`,
    'image: busybox:latest',
    `command: ${JSON.stringify(opts.command ?? ['sleep', '3600'])}`,
    'secondsToWaitBeforeKill: 1',
  ];
  if (opts.env) lines.push('env:', ...Object.entries(opts.env).map(([k, v]) => `  ${k}: "${v}"`));
  if (opts.hosts) lines.push('deploy:', `  hosts: ${JSON.stringify(opts.hosts)}`);
  return `${lines.join('\n')}\n`;
}

/** A bare-less local repository at `dir` whose `main` holds `files` (path → text), in one commit. */
export function fastImportRepo(dir: string, files: Iterable<[string, string]>): string {
  gitCli(dir, 'init', '-q', '-b', 'main');
  return fastImportCommit(dir, files, false);
}

/** One commit on `main` changing `files` (path → text, or null to delete); returns the commit id. */
export function fastImportCommit(dir: string, files: Iterable<[string, string | null]>, parent = true): string {
  const chunks: string[] = ['commit refs/heads/main', 'mark :1', `committer bench <bench@helios.invalid> ${Math.floor(Date.now() / 1000)} +0000`, 'data 6', 'bench'];
  if (parent) chunks.push('from refs/heads/main^0');
  for (const [path, text] of files) {
    if (text === null) chunks.push(`D ${path}`);
    else chunks.push(`M 100644 inline ${path}`, `data ${Buffer.byteLength(text)}`, text);
  }
  chunks.push('');
  const result = spawnSync('git', ['fast-import', '--quiet', '--force'], { cwd: dir, env: GIT_ENV, input: chunks.join('\n') });
  if (result.status !== 0) throw new Error(`git fast-import failed: ${result.stderr.toString()}`);
  return gitCli(dir, 'rev-parse', 'refs/heads/main');
}
