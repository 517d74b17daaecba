import * as git from 'isomorphic-git';
import nodeFs from 'node:fs';
import path from 'node:path';
import { GitSourceError } from '../errors.js';
import type { GitSource } from './gitSource.js';
import { createObjectReader } from './objectReader.js';

export interface LocalRepoOptions {
  /** A working copy (with `.git`) or a bare repository. */
  dir: string;
  branch: string;
  fs?: typeof nodeFs;
}

/**
 * A local repository read in place: no clone, no checkout. Only committed state counts: the
 * branch ref is read from the git directory, never the working tree.
 */
export async function openLocalRepo(options: LocalRepoOptions): Promise<GitSource> {
  const fs = options.fs ?? nodeFs;
  const dir = path.resolve(options.dir);
  const gitdir = await findGitdir(fs, dir);
  const reader = createObjectReader(gitdir);
  const ref = `refs/heads/${options.branch}`;
  return {
    kind: 'local',
    gitdir,
    display: dir,
    async resolveCommit() {
      try {
        return await git.resolveRef({ fs, gitdir, ref });
      } catch (err) {
        throw new GitSourceError(`branch ${options.branch} not found in ${dir}`, { repo: dir, branch: options.branch }, { cause: err });
      }
    },
    ...reader,
  };
}

/**
 * `.git` directory, `.git` file (`gitdir: …`, worktrees and submodules), or a bare repository. A linked
 * worktree's own git dir (`.git/worktrees/NAME`) holds only its HEAD and index: the branches and
 * objects are in the common dir its `commondir` file names, which is what is returned.
 */
export async function findGitdir(fs: typeof nodeFs, dir: string): Promise<string> {
  const dotGit = path.join(dir, '.git');
  const stat = await fs.promises.stat(dotGit).catch(() => undefined);
  if (stat?.isDirectory()) return dotGit;
  if (stat?.isFile()) {
    const match = /^gitdir:\s*(.+)$/m.exec(await fs.promises.readFile(dotGit, 'utf8'));
    if (match) {
      const own = path.resolve(dir, match[1].trim());
      const common = await fs.promises.readFile(path.join(own, 'commondir'), 'utf8').catch(() => undefined);
      return common === undefined ? own : path.resolve(own, common.trim());
    }
  }
  const bare = await Promise.all(['HEAD', 'objects', 'refs'].map((f) => fs.promises.stat(path.join(dir, f)).then(() => true, () => false)));
  if (bare.every(Boolean)) return dir;
  throw new GitSourceError(`${dir} is not a git repository (no .git, and not a bare repository)`, { repo: dir });
}
