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

/** The job's ports with a fixed external port (0 or none means "allocate one"). */
export function staticPorts(job: Pick<Job, 'ports'>): StaticPort[] {
  return Object.entries(job.ports ?? {})
    .filter(([, p]) => typeof p.externalPort === 'number' && p.externalPort > 0)
    .map(([name, p]) => ({ name, port: p.externalPort!, protocol: p.protocol ?? 'tcp' }));
}

/**
 * The first job among `others` (deployed on the same host) holding one of `job`'s static external
 * ports, or null. A job never conflicts with itself.
 * @example findPortConflict(web2, [web1]) // → { jobId: web1.id, port: 8080, protocol: 'tcp' }
 */
export function findPortConflict(job: Pick<Job, 'id' | 'ports'>, others: readonly Pick<Job, 'id' | 'ports'>[]): PortConflict | null {
  const wanted = new Set(staticPorts(job).map((p) => `${p.protocol}:${p.port}`));
  if (wanted.size === 0) return null;
  for (const other of others) {
    if (other.id === job.id) continue;
    for (const p of staticPorts(other)) {
      if (wanted.has(`${p.protocol}:${p.port}`)) return { jobId: other.id, port: p.port, protocol: p.protocol };
    }
  }
  return null;
}
