import { readFile, readdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** True while the pid runs; a zombie counts as gone. */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function cmdline(pid: number): Promise<string> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ');
}

/** True when the pid runs and its command line names a path inside dir: guards against pid reuse. */
export async function pidUsesDir(pid: number, dir: string): Promise<boolean> {
  return (await isAlive(pid)) && (await cmdline(pid)).includes(`${dir}/`);
}

/** Every live process whose command line names a path inside dir (containerd, shims), except us. */
export async function processesUsingDir(dir: string): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number).filter((pid) => pid !== process.pid);
  const found: number[] = [];
  for (const pid of pids) if (await pidUsesDir(pid, dir)) found.push(pid);
  return found;
}

/** Live processes inside the cgroups of these container ids (a container outlives a SIGKILLed shim). */
export async function processesInContainers(ids: readonly string[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  const found: number[] = [];
  for (const pid of pids) {
    const cgroup = await readFile(`/proc/${pid}/cgroup`, 'utf8').catch(() => '');
    if (ids.some((id) => cgroup.includes(id))) found.push(pid);
  }
  return found;
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** SIGTERM, wait up to timeoutMs, then SIGKILL. Resolves true when it ended by SIGTERM. */
export async function terminate(pid: number, timeoutMs: number): Promise<boolean> {
  signal(pid, 'SIGTERM');
  if (await waitForExit(pid, timeoutMs)) return true;
  signal(pid, 'SIGKILL');
  await waitForExit(pid, 5_000);
  return false;
}
