/**
 * One solo per home: two would share one master database, one agent state dir and one agent name.
 * The lock is a file holding solo's pid, then one `NAME PID` line per component it starts. A lock
 * whose solo is gone (it was killed) is taken over; the components such a solo left running (they
 * have their own process groups, so they outlive a SIGKILL of solo) are found from those lines.
 */
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeliosError } from '../../core/errors/HeliosError.js';

export interface HomeLock {
  /** Notes a started component, so that a solo killed with it running can be cleaned up after. */
  record(name: string, pid: number): void;
  release(): void;
}

const lockFile = (home: string) => join(home, 'solo.pid');

export function lockHome(home: string): HomeLock {
  const file = lockFile(home);
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      const { pid } = readLock(file);
      if (pid !== null && isAlive(pid)) {
        throw new HeliosError('INVALID_ARGUMENT', `another helios solo (pid ${pid}) runs with ${home}: stop it, or give another --home (or HELIOS_HOME)`);
      }
      rmSync(file, { force: true });
    }
  }
  return {
    record: (name, pid) => appendFileSync(file, `${name} ${pid}\n`),
    release: () => rmSync(file, { force: true }),
  };
}

/**
 * The components a killed solo of this home left running: recorded in its lock, its solo gone, and
 * the pid still running that component's binary (a pid reused by another program is left alone).
 */
export function leftovers(home: string): Array<{ name: string; pid: number }> {
  const { pid, components } = readLock(lockFile(home));
  if (pid === null || isAlive(pid)) return [];
  return components.filter((c) => isAlive(c.pid) && commandLine(c.pid).includes(`${c.name}/bin.`));
}

function readLock(file: string): { pid: number | null; components: Array<{ name: string; pid: number }> } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { pid: null, components: [] };
  }
  const [first = '', ...rest] = text.split('\n');
  const pid = Number.parseInt(first, 10);
  const components = rest.map((line) => /^(\w+) (\d+)$/.exec(line.trim())).filter((m) => m !== null)
    .map((m) => ({ name: m[1], pid: Number(m[2]) }));
  return { pid: Number.isInteger(pid) && pid > 0 ? pid : null, components };
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Stops what a killed solo left running (see `leftovers`), in the reverse order of their start as a
 * clean stop does, so that this solo finds its ports and database free. SIGKILL after `graceMs`.
 */
export async function stopLeftovers(home: string, say: (message: string) => void, graceMs = 10_000): Promise<void> {
  const found = leftovers(home).reverse();
  if (found.length === 0) return;
  say(`stopping ${found.map((c) => `helios-${c.name} (pid ${c.pid})`).join(', ')}, left running by a helios solo that was killed`);
  for (const c of found) process.kill(c.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (found.some((c) => isAlive(c.pid)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  for (const c of found) if (isAlive(c.pid)) process.kill(c.pid, 'SIGKILL');
}
