import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

/** Where a probe of a published port goes, or why it goes nowhere. */
export type ProbeHost = { host: string } | { refused: string };

/**
 * The address to probe a published port at: the host's loopback when the port is published on every
 * address (or none is given), else the port's own `ip`, but only when it is an address of this host.
 * The `ip` is the job author's choice, and a probe anywhere else would be a request from the agent to
 * any address and port it can reach (review L6); Docker publishes only on a local address, so a job
 * whose container runs never needs more. The interfaces are read on every call: addresses come and go.
 * @example probeHost('0.0.0.0') // → { host: '127.0.0.1' }
 * @example probeHost('192.0.2.7') // → { refused: '192.0.2.7 is not an address of this host: …' }
 */
export function probeHost(ip: string | undefined, localAddresses: () => Set<string> = hostAddresses): ProbeHost {
  if (!ip || ip === '0.0.0.0' || ip === '::') return { host: '127.0.0.1' };
  if (isLoopback(ip) || localAddresses().has(ip)) return { host: ip };
  return { refused: `${ip} is not an address of this host: the agent probes only its own addresses` };
}

const isLoopback = (ip: string) => (isIP(ip) === 4 ? ip.startsWith('127.') : ip === '::1');

function hostAddresses(): Set<string> {
  return new Set(Object.values(networkInterfaces()).flatMap((addresses) => (addresses ?? []).map((a) => a.address)));
}
