import type { Job } from '../../core/index.js';

export interface StaticPort {
  name: string;
  port: number;
  protocol: 'tcp' | 'udp';
}

export interface PortConflict {
  jobId: string;
  port: number;
  protocol: 'tcp' | 'udp';
}

/** Who already holds a static port on a host (e.g. the store's `host_ports`); ids in a stable order. */
export type PortHolders = (host: string, protocol: 'tcp' | 'udp', port: number) => readonly string[];

export interface PortIndex {
  /** The first job holding one of `job`'s static external ports on `host`, or null. A job never conflicts with itself. */
  find(host: string, job: Pick<Job, 'id' | 'ports'>): PortConflict | null;
  /** Records `job`'s static ports as held on `host` (a port already held keeps its first holder). */
  add(host: string, job: Pick<Job, 'id' | 'ports'>): void;
}

/** The job's ports with a fixed external port (0 or none means "allocate one"). */
export function staticPorts(job: Pick<Job, 'ports'>): StaticPort[] {
  return Object.entries(job.ports ?? {})
    .filter(([, p]) => typeof p.externalPort === 'number' && p.externalPort > 0)
    .map(([name, p]) => ({ name, port: p.externalPort!, protocol: p.protocol ?? 'tcp' }));
}

const portKey = (p: Pick<StaticPort, 'protocol' | 'port'>) => `${p.protocol}:${p.port}`;

/**
 * Static ports per host: `existing` answers for what is already deployed, `add` records what a plan
 * adds, each port a map lookup, so checking N jobs on one host costs O(N), not O(N²).
 * @example
 *   const ports = createPortIndex((host, protocol, port) => store.deployments.portHolders(host, protocol, port));
 *   ports.find('h1', web2) // → { jobId: web1.id, port: 8080, protocol: 'tcp' }
 */
export function createPortIndex(existing: PortHolders = () => []): PortIndex {
  const added = new Map<string, Map<string, string>>();
  return {
    find(host, job) {
      const onHost = added.get(host);
      for (const p of staticPorts(job)) {
        const holder = existing(host, p.protocol, p.port).find((id) => id !== job.id) ?? onHost?.get(portKey(p));
        if (holder !== undefined && holder !== job.id) return { jobId: holder, port: p.port, protocol: p.protocol };
      }
      return null;
    },
    add(host, job) {
      const ports = staticPorts(job);
      if (ports.length === 0) return;
      const onHost = added.get(host) ?? added.set(host, new Map()).get(host)!;
      for (const p of ports) if (!onHost.has(portKey(p))) onHost.set(portKey(p), job.id);
    },
  };
}
