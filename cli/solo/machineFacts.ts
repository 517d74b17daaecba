import { readFileSync } from 'node:fs';
import { findProgram } from './docker/exec.js';
import type { MachineFacts } from './engineAdvice.js';

/** What decides whether solo may start a private dockerd here, read from this machine. */
export function machineFacts(): MachineFacts {
  const os = osRelease();
  return {
    platform: process.platform,
    root: process.getuid?.() === 0,
    dockerd: findProgram('dockerd') !== undefined,
    apt: findProgram('apt-get') !== undefined && (os.includes('debian') || os.includes('ubuntu')),
    os,
  };
}

/** ID then the ID_LIKE words of /etc/os-release (`ubuntu`, `debian`); [] without one. */
function osRelease(): string[] {
  let text: string;
  try {
    text = readFileSync('/etc/os-release', 'utf8');
  } catch {
    return [];
  }
  const field = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(text)?.[1].replace(/^["']|["']$/g, '') ?? '';
  return [field('ID'), ...field('ID_LIKE').split(/\s+/)].filter(Boolean);
}
