import { spawn } from 'node:child_process';
import { openSync, readSync, closeSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { findProgram } from './exec.js';
import type { Log } from './log.js';

export const BUSYBOX_PATH = '/bin/busybox';

/**
 * True when the file is an ELF executable without a PT_INTERP program header, i.e. statically linked.
 * Debian's plain `busybox` package also installs /bin/busybox, but linked against libc: useless in an
 * image that has nothing else.
 */
export function isStaticElf(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    const header = Buffer.alloc(64);
    readSync(fd, header, 0, 64, 0);
    if (header.readUInt32BE(0) !== 0x7f454c46 || header[5] !== 1) return false; // ELF, little endian
    const is64 = header[4] === 2;
    const phoff = is64 ? Number(header.readBigUInt64LE(0x20)) : header.readUInt32LE(0x1c);
    const phentsize = header.readUInt16LE(is64 ? 0x36 : 0x2a);
    const phnum = header.readUInt16LE(is64 ? 0x38 : 0x2c);
    const table = Buffer.alloc(phentsize * phnum);
    readSync(fd, table, 0, table.length, phoff);
    for (let i = 0; i < phnum; i++) {
      if (table.readUInt32LE(i * phentsize) === 3) return false; // PT_INTERP
    }
    return true;
  } finally {
    closeSync(fd);
  }
}

/** What the private engine and the busybox image need that this machine lacks: `dockerd`, `static /bin/busybox`. */
export function missingDockerPrograms(): string[] {
  const missing: string[] = [];
  if (!findProgram('dockerd')) missing.push('dockerd');
  if (!isStaticElf(BUSYBOX_PATH)) missing.push(`static ${BUSYBOX_PATH}`);
  return missing;
}

/**
 * Installs Debian's docker.io and busybox-static when dockerd or a static /bin/busybox is missing.
 * apt's output goes to `aptOutput`: stderr by default (stdout is the command's that test/env wraps),
 * solo's docker log for solo.
 */
export async function ensureDockerPackages(log: Log, aptOutput: Writable | number = process.stderr): Promise<void> {
  const missing = missingDockerPrograms();
  if (missing.length === 0) return;
  log(`${missing.join(' and ')} missing: installing docker.io and busybox-static with apt-get`);
  const script = 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io busybox-static';
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('sh', ['-c', script], { stdio: ['ignore', aptOutput, aptOutput] });
    child.on('error', reject);
    child.on('exit', (exitCode) => resolve(exitCode));
  });
  if (code !== 0) throw new Error(`"${script}" exited with ${code}`);
  if (!findProgram('dockerd')) throw new Error('dockerd still not found after installing docker.io');
  if (!isStaticElf(BUSYBOX_PATH)) throw new Error(`${BUSYBOX_PATH} is still not a static binary after installing busybox-static`);
}
