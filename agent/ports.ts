import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

export interface PortRange { start: number; end: number }

/** Parses `20000:32768` (end exclusive, as Helios' agent flag). */
export function parsePortRange(text: string): PortRange {
  const match = /^(\d{1,5}):(\d{1,5})$/.exec(text.trim());
  const start = Number(match?.[1]);
  const end = Number(match?.[2]);
  if (!match || start < 1 || end > 65536 || start >= end) {
    throw new Error(`--port-range "${text}" must be START:END with 1 <= START < END <= 65536, e.g. 20000:32768`);
  }
  return { start, end };
}

/** True when nothing on this machine holds `ip:port` (checked by binding it for a moment). */
export function portIsFree(port: number, ip: string, protocol: 'tcp' | 'udp' = 'tcp'): Promise<boolean> {
  return new Promise((resolve) => {
    if (protocol === 'udp') {
      const socket = createSocket(ip.includes(':') ? 'udp6' : 'udp4');
      socket.once('error', () => { socket.close(); resolve(false); });
      socket.bind(port, ip, () => socket.close(() => resolve(true)));
      return;
    }
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: ip, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Picks free ports in the range for the dynamic ports of one task: not reserved by another task of
 * this agent (`taken`) and not bound on the host. Starts at a random point so that several agents on
 * one machine rarely race for the same port; a lost race shows up as a start failure and is retried.
 */
export async function allocatePorts(count: number, range: PortRange, taken: Set<number>, ip: string,
  protocol: 'tcp' | 'udp' = 'tcp', isFree = portIsFree): Promise<number[]> {
  const size = range.end - range.start;
  const first = Math.floor(Math.random() * size);
  const out: number[] = [];
  for (let i = 0; i < size && out.length < count; i++) {
    const port = range.start + ((first + i) % size);
    if (taken.has(port) || out.includes(port)) continue;
    if (await isFree(port, ip, protocol)) out.push(port);
  }
  if (out.length < count) throw new Error(`no free port left in ${range.start}:${range.end}`);
  return out;
}
