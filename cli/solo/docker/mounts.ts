import { readFile } from 'node:fs/promises';
import { run } from './exec.js';
import type { Log } from './log.js';

function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Unmounts whatever is still mounted at or below dir, deepest first (lazily if it is busy). */
export async function unmountUnder(dir: string, log: Log): Promise<void> {
  const info = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  const mountPoints = info.split('\n').map((line) => line.split(' ')[4]).filter(Boolean).map(unescapeMountPath)
    .filter((mountPoint) => mountPoint === dir || mountPoint.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const mountPoint of new Set(mountPoints)) {
    await run('umount', [mountPoint]).catch(() => run('umount', ['-l', mountPoint]))
      .catch((err: unknown) => log(`cannot unmount ${mountPoint}: ${String(err).split('\n')[0]}`));
  }
}
