/** The local repository solo's syncer watches: its top level, branch and head commit (zx + git). */
export interface RepoInfo {
  dir: string;
  /** The checked-out branch; null on a detached HEAD (the syncer follows a branch, so solo asks for one). */
  branch: string | null;
  commit: string;
}

export async function readRepo(start: string): Promise<RepoInfo | null> {
  const { $ } = await import('zx');
  const git = $({ cwd: start, quiet: true, nothrow: true });
  const top = await git`git rev-parse --show-toplevel`;
  if (top.exitCode !== 0) return null;
  const dir = top.stdout.trim();
  const inRepo = $({ cwd: dir, quiet: true, nothrow: true });
  const branch = (await inRepo`git symbolic-ref --short HEAD`).stdout.trim() || null;
  const commit = (await inRepo`git rev-parse HEAD`).stdout.trim();
  return { dir, branch, commit };
}

/** The commit `branch` points at in the repository at `dir`, or null when there is no such branch. */
export async function branchCommit(dir: string, branch: string): Promise<string | null> {
  const { $ } = await import('zx');
  const found = await $({ cwd: dir, quiet: true, nothrow: true })`git rev-parse --verify --quiet ${`refs/heads/${branch}^{commit}`}`;
  return found.exitCode === 0 ? found.stdout.trim() : null;
}
