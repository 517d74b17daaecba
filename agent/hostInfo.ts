import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { HostInfo } from '../core/index.js';

/** What a heartbeat tells about the machine (Helios' host info), with the Docker version if known. */
export function hostInfo(dockerHost: string, dockerVersion: HostInfo['dockerVersion']): HostInfo {
  const swap = readSwap();
  return {
    hostname: os.hostname(),
    uname: `${os.type()} ${os.hostname()} ${os.release()} ${os.version()} ${os.machine()}`,
    architecture: os.arch(),
    osName: os.type(),
    osVersion: os.release(),
    cpus: os.cpus().length,
    loadAvg: os.loadavg()[0],
    memoryTotalBytes: os.totalmem(),
    memoryFreeBytes: os.freemem(),
    swapTotalBytes: swap.total,
    swapFreeBytes: swap.free,
    uptime: os.uptime(),
    dockerVersion,
    dockerHost,
  };
}

/** Swap from /proc/meminfo (Linux); zeros elsewhere. */
function readSwap(): { total: number; free: number } {
  try {
    const text = readFileSync('/proc/meminfo', 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0) * 1024;
    return { total: kb('SwapTotal'), free: kb('SwapFree') };
  } catch {
    return { total: 0, free: 0 };
  }
}
