import { watch } from 'chokidar';
import path from 'node:path';

/**
 * Watches a local repository's refs (`refs/heads/**`, `packed-refs`, `HEAD` under its git directory)
 * and calls `onChange` when any of them moves, so a commit is synced at once. Git writes a ref through
 * `<ref>.lock` and a rename; the lock files are ignored, the rename is the signal.
 * @example
 *   const watcher = await watchRefs(source.gitdir, () => reactor.signal());
 *   await watcher.close();
 */
export async function watchRefs(gitdir: string, onChange: () => void): Promise<{ close(): Promise<void> }> {
  const root = path.resolve(gitdir);
  const wanted = (file: string) => {
    const rel = path.relative(root, file).split(path.sep).join('/');
    if (rel.endsWith('.lock')) return false;
    return rel === '' || rel === 'HEAD' || rel === 'packed-refs' || rel === 'refs' || rel === 'refs/heads' || rel.startsWith('refs/heads/');
  };
  const watcher = watch(root, { ignored: (file) => !wanted(file), ignoreInitial: true, atomic: false, persistent: true });
  watcher.on('all', () => onChange());
  await new Promise<void>((resolve, reject) => {
    watcher.once('ready', resolve);
    watcher.once('error', reject);
  });
  return { close: () => watcher.close() };
}
