import { watch } from 'chokidar';
import { stat } from 'node:fs/promises';
import path from 'node:path';

export interface WatchRefsOptions {
  /** The branch followed: its ref file and `packed-refs` are also checked every `pollMs`. */
  branch: string;
  pollMs?: number;
}

/**
 * Watches a local repository's refs (`refs/heads/**`, `packed-refs`, `HEAD` under its git directory)
 * and calls `onChange` when any of them moves, so a commit is synced at once. Git writes a ref through
 * `<ref>.lock` and a rename; the lock files are ignored, the rename is the signal.
 *
 * File events can be lost: `git gc` packs the refs and removes and re-creates `refs/heads/feature/`,
 * after which inotify no longer reports that folder. So the followed branch's ref file and
 * `packed-refs` are also compared by stat every second (two stat calls), which catches any move the
 * events missed.
 * @example
 *   const watcher = await watchRefs(source.gitdir, () => reactor.signal(), { branch: 'main' });
 *   await watcher.close();
 */
export async function watchRefs(gitdir: string, onChange: () => void, options: WatchRefsOptions): Promise<{ close(): Promise<void> }> {
  const root = path.resolve(gitdir);
  const wanted = (file: string) => {
    const rel = path.relative(root, file).split(path.sep).join('/');
    if (rel.endsWith('.lock')) return false;
    return rel === '' || rel === 'HEAD' || rel === 'packed-refs' || rel === 'refs' || rel === 'refs/heads' || rel.startsWith('refs/heads/');
  };
  const followed = [path.join(root, 'refs', 'heads', ...options.branch.split('/')), path.join(root, 'packed-refs')];
  const signature = async () => (await Promise.all(followed.map((file) => stat(file).then(
    (s) => `${s.ino}:${s.mtimeMs}:${s.size}`, () => '-')))).join('|');
  let last = await signature();
  // A move the events reported already triggered a pass: the next comparison starts from it.
  const settle = () => { void signature().then((now) => { last = now; }); };

  const watcher = watch(root, { ignored: (file) => !wanted(file), ignoreInitial: true, atomic: false, persistent: true });
  watcher.on('all', () => { settle(); onChange(); });
  await new Promise<void>((resolve, reject) => {
    watcher.once('ready', resolve);
    watcher.once('error', reject);
  });
  const poll = setInterval(() => {
    void signature().then((now) => {
      if (now === last) return;
      last = now;
      onChange();
    });
  }, options.pollMs ?? 1_000);
  return {
    close: async () => {
      clearInterval(poll);
      await watcher.close();
    },
  };
}
