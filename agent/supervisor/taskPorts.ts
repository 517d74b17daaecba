import type { Job } from '../../core/index.js';
import type { BoundPorts } from '../docker/containerSpec.js';
import { allocatePorts, type PortRange } from '../ports.js';

/** The agent-wide book of dynamically allocated ports (persisted in the state dir). */
export interface PortBook {
  reserved(jobId: string): Record<string, number> | undefined;
  /** Every port reserved by any task of this agent. */
  taken(): Set<number>;
  save(jobId: string, ports: Record<string, number>): Promise<void>;
  release(jobId: string): Promise<void>;
}

/**
 * Decides the external port of each of the job's ports: the static one, the one reserved for this task
 * before, or a new one from the range. Host networking publishes nothing: the port is the internal one.
 */
export async function resolvePorts(job: Job, book: PortBook, range: PortRange, bindIp: string): Promise<BoundPorts> {
  const reserved = { ...(book.reserved(job.id) ?? {}) };
  const taken = book.taken();
  for (const port of Object.values(reserved)) taken.delete(port);
  const out: BoundPorts = {};
  let changed = false;
  for (const [name, port] of Object.entries(job.ports ?? {})) {
    const protocol = port.protocol ?? 'tcp';
    const ip = port.ip || bindIp;
    let external = port.externalPort;
    if (job.networkMode === 'host') external ??= port.internalPort;
    if (external === undefined) {
      external = reserved[name];
      if (external === undefined || taken.has(external)) {
        [external] = await allocatePorts(1, range, taken, ip, protocol);
        reserved[name] = external;
        changed = true;
      }
      taken.add(external);
    }
    out[name] = { ...port, ip, protocol, externalPort: external };
  }
  for (const name of Object.keys(reserved)) {
    if (!(name in out)) { delete reserved[name]; changed = true; }
  }
  if (changed) await book.save(job.id, reserved);
  return out;
}

/**
 * The host ports a job binds whatever the agent decides: its static external ports, and with host
 * networking its internal ones, as `port/protocol`. The address is left out on purpose: 0.0.0.0:80
 * and 127.0.0.1:80 collide in Docker, so two jobs sharing the number are treated as sharing the port.
 */
export function staticHostPorts(job: Job): Set<string> {
  const out = new Set<string>();
  for (const port of Object.values(job.ports ?? {})) {
    const external = port.externalPort ?? (job.networkMode === 'host' ? port.internalPort : undefined);
    if (external !== undefined) out.add(`${external}/${port.protocol ?? 'tcp'}`);
  }
  return out;
}
