/**
 * One solo per home: two would share one master database, one agent state dir and one agent name.
 * The lock is a file holding solo's pid; a lock whose process is gone (solo was killed) is taken over.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeliosError } from '../../core/errors/HeliosError.js';

export function lockHome(home: string): { release(): void } {
  const file = join(home, 'solo.pid');
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new HeliosError('INVALID_ARGUMENT', `another helios solo (pid ${pid}) runs with ${home}: stop it, or give another --home (or HELIOS_HOME)`);
      }
      rmSync(file, { force: true });
    }
  }
  return { release: () => rmSync(file, { force: true }) };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
