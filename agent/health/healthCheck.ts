import type { HealthCheck } from '../../core/index.js';
import type { BoundPorts } from '../docker/containerSpec.js';
import { probeHost } from './probeHost.js';
import { httpProbe, tcpProbe, type ProbeResult } from './probes.js';

export interface HealthContext {
  containerId: string;
  ports: BoundPorts;
  /** `docker exec` of the command, resolving to its exit code. */
  exec(containerId: string, command: string[], timeoutMs: number): Promise<number>;
}

const EXEC_TIMEOUT_MS = 10_000;

/** One attempt of a job's health check (http, tcp or exec). Never throws. */
export async function runHealthCheck(check: HealthCheck, ctx: HealthContext): Promise<ProbeResult> {
  try {
    if (check.type === 'exec') {
      const code = await ctx.exec(ctx.containerId, check.command, EXEC_TIMEOUT_MS);
      return { ok: code === 0, message: `exec ${JSON.stringify(check.command)} exited ${code}` };
    }
    const port = ctx.ports[check.port];
    if (!port) return { ok: false, message: `health check port "${check.port}" is not one of the job's ports` };
    const target = probeHost(port.ip);
    if ('refused' in target) return { ok: false, message: `not probed: ports.${check.port}.ip ${target.refused}` };
    return check.type === 'http'
      ? await httpProbe(target.host, port.externalPort, check.path)
      : await tcpProbe(target.host, port.externalPort);
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

/** Delay before the next attempt after `failures` failed ones: 1 s doubling to 30 s (reference). */
export function healthBackoffMs(failures: number, baseMs = 1_000, maxMs = 30_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
}
