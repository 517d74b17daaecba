/**
 * The fixed host ports of the README and of jobs/hello.yaml (18080, 18081): one test at a time may
 * publish them, whichever test file it is in and whichever checkout on this machine runs it. A test
 * takes them with `holdFixedPorts(t)`: it waits for the lock (a directory under the OS temp dir,
 * holding the owner's pid, taken over when that process is gone), then fails clearly when something
 * else listens on them (a developer's `npm start`, a container left running).
 * @example
 *   await holdFixedPorts(t);   // then start solo and deploy the README's jobs
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecutionContext } from 'ava';

export const FIXED_PORTS = [18080, 18081];

const LOCK = join(tmpdir(), 'helios-fixed-ports.lock');

/** Long enough for the other holder's whole test (solo's builds its clone first: minutes). */
const WAIT_MS = 10 * 60_000;

export async function holdFixedPorts(t: ExecutionContext, waitMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (!tryLock()) {
    if (Date.now() > deadline) throw new Error(`ports ${FIXED_PORTS.join(', ')}: ${LOCK} is still held by pid ${owner()} after ${waitMs / 1000} s`);
    await sleep(500);
  }
  t.teardown(() => rmSync(LOCK, { recursive: true, force: true }));
  for (const port of FIXED_PORTS) {
    const inUse = await listening(port);
    if (inUse) throw new Error(`port ${port} on 127.0.0.1 is in use (${inUse}): the README's ports must be free; stop what holds it (an npm start, or a container: docker ps)`);
  }
}

function tryLock(): boolean {
  try {
    mkdirSync(LOCK);
  } catch {
    const pid = owner();
    if (pid === undefined ? !abandoned() : alive(pid)) return false;
    // Its holder died without its teardown: take it over.
    rmSync(LOCK, { recursive: true, force: true });
    return tryLock();
  }
  writeFileSync(join(LOCK, 'pid'), String(process.pid));
  return true;
}

function owner(): number | undefined {
  try {
    return Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
  } catch {
    return undefined; // being created: its holder writes the pid next
  }
}

/** A lock without a pid for seconds: its holder died between taking it and writing the pid. */
function abandoned(): boolean {
  try {
    return Date.now() - statSync(LOCK).mtimeMs > 10_000;
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why `port` cannot be bound on 127.0.0.1, or '' when it is free. */
function listening(port: number): Promise<string> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve('')));
  });
}
