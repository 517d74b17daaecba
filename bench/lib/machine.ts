/** A description of the machine a benchmark ran on, stored next to its figures. */
import os from 'node:os';
import Docker from 'dockerode';
import { withTimeout } from './timing.js';

export interface Machine {
  cpuModel: string;
  cpus: number;
  memoryBytes: number;
  /** e.g. 'Linux 6.1.0 x64' */
  os: string;
  node: string;
  /** 'soft/hard' open file limit of this process: every long-poll holds one socket. */
  openFileLimit: string;
  /** The Docker engine's version, or null when DOCKER_HOST does not answer. */
  docker: string | null;
  hostname: string;
}

/**
 * @example
 *   const m = await machine(); // { cpuModel: 'AMD EPYC', cpus: 2, …, docker: '26.1.5' }
 */
export async function machine(): Promise<Machine> {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpus: cpus.length,
    memoryBytes: os.totalmem(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    openFileLimit: await openFileLimit(),
    docker: await dockerVersion(),
    hostname: os.hostname(),
  };
}

/** One line for the top of a report. */
export function describeMachine(m: Machine): string {
  const gib = (m.memoryBytes / 2 ** 30).toFixed(1);
  return `${m.cpus} × ${m.cpuModel}, ${gib} GiB, ${m.os}, node ${m.node}, docker ${m.docker ?? 'n/a'}, ulimit -n ${m.openFileLimit}`;
}

async function dockerVersion(): Promise<string | null> {
  if (!process.env.DOCKER_HOST) return null;
  try {
    const v = await withTimeout(new Docker().version(), 3_000, 'docker version');
    return v.Version;
  } catch {
    return null;
  }
}

/** 'soft/hard' from /proc/self/limits (children inherit it). */
export async function openFileLimit(): Promise<string> {
  try {
    const { readFile } = await import('node:fs/promises');
    const limits = await readFile('/proc/self/limits', 'utf8');
    const line = limits.split('\n').find((l) => l.startsWith('Max open files'));
    const [soft, hard] = line?.replace('Max open files', '').trim().split(/\s+/) ?? [];
    return soft ? `${soft}/${hard}` : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Throws unless `ulimit -n` lets the master hold `agents` agents: each holds a long-poll socket and a
 * keep-alive one, on both sides. Returns the limit ('soft/hard') for the report.
 */
export async function requireOpenFilesFor(agents: number): Promise<string> {
  const limit = await openFileLimit();
  const needed = agents * 2 + 256;
  if (Number(limit.split('/')[0]) < needed) {
    throw new Error(`ulimit -n is ${limit}: ${agents} agents need about ${needed} open files in the master; raise it (ulimit -n 65536)`);
  }
  return limit;
}
