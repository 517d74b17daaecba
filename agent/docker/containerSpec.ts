import { createHash } from 'node:crypto';
import type { ContainerCreateOptions } from 'dockerode';
import { DEFAULT_SECONDS_TO_WAIT_BEFORE_KILL, type Job, type PortMapping } from '../../core/index.js';
import { containerLabels, containerName, SPEC_HASH_LABEL, STOP_TIMEOUT_LABEL } from './labels.js';

/** A port with its external port decided (static from the job, or allocated by the agent). */
export type BoundPort = PortMapping & { externalPort: number; ip: string; protocol: 'tcp' | 'udp' };
export type BoundPorts = Record<string, BoundPort>;

export interface SpecContext {
  agent: string;
  /** What `HELIOS_PORT_<name>` points at: the agent's host name. */
  hostName: string;
  /** The agent's `--env`: given to every container, below the job's own env. */
  agentEnv: Record<string, string>;
}

/**
 * The environment of a task's container, in order: `HELIOS_PORT_<name>=<host>:<port>`, then the
 * agent's `--env`, then the job's env (a later key wins over an earlier one).
 */
export function containerEnv(job: Job, ports: BoundPorts, ctx: SpecContext): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, port] of Object.entries(ports)) env[`HELIOS_PORT_${name}`] = `${ctx.hostName}:${port.externalPort}`;
  return Object.assign(env, ctx.agentEnv, job.env ?? {});
}

/** What the master is told in place of the value of each of the agent's `--env` variables. */
export const HIDDEN_VALUE = '<hidden>';

/**
 * The environment a task's status reports: the container's, without the agent's `--env` (often
 * registry credentials), since statuses are read by every token holder (review L10). The job's own env
 * is in the job anyway; HELIOS_PORT_* says where the task is.
 */
export const reportedEnv = (job: Job, ports: BoundPorts, ctx: SpecContext): Record<string, string> =>
  containerEnv(job, ports, { ...ctx, agentEnv: {} });

/** The agent's `--env` as its heartbeat reports it (the host status): the names, each value hidden. */
export const reportedAgentEnv = (agentEnv: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.keys(agentEnv).map((name) => [name, HIDDEN_VALUE]));

/** Splits Helios' `"/path[:ro|rw]"` volume key into path and mode. */
function volumeKey(key: string): { path: string; mode?: string } {
  const match = /^(.*):(ro|rw)$/.exec(key);
  return match ? { path: match[1], mode: match[2] } : { path: key };
}

/**
 * Every job field, translated to Docker's create options (pure; unit-tested without Docker), plus the
 * agent's records on the container: the hash of those options (to check the container when it is
 * adopted) and the job's kill wait (for when it is reaped as an orphan).
 * Volumes: a host path (`/…`) or a named volume become binds, `""` an anonymous volume.
 */
export function containerSpec(job: Job, ports: BoundPorts, ctx: SpecContext): ContainerCreateOptions {
  const options = createOptions(job, ports, ctx);
  options.Labels = containerLabels(ctx.agent, job.id, job.labels, {
    [SPEC_HASH_LABEL]: jobSpecHash(job, ctx),
    [STOP_TIMEOUT_LABEL]: String(job.secondsToWaitBeforeKill ?? DEFAULT_SECONDS_TO_WAIT_BEFORE_KILL),
  });
  return options;
}

/**
 * The hash of the create options this agent makes of a job, leaving out what it decides at run time:
 * its `--env` and `--bind-ip` and the ports it allocates (changing those replaces no container).
 * Key order does not count. A container whose recorded hash differs was made by hand, or by an
 * agent whose translation of the job has changed since: it is replaced rather than adopted.
 */
export function jobSpecHash(job: Job, ctx: SpecContext): string {
  const sorted = sortedKeys(job) as Job;
  const declared: BoundPorts = {};
  for (const [name, port] of Object.entries(sorted.ports ?? {})) {
    const external = port.externalPort ?? (sorted.networkMode === 'host' ? port.internalPort : 0);
    declared[name] = { ...port, protocol: port.protocol ?? 'tcp', ip: port.ip ?? '', externalPort: external };
  }
  const { name: _name, ...options } = createOptions(sorted, declared, { ...ctx, agentEnv: {} });
  return createHash('sha256').update(JSON.stringify(sortedKeys(options))).digest('hex');
}

/** A copy with every object's keys in order (arrays keep theirs), so equal values serialise alike. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]));
}

function createOptions(job: Job, ports: BoundPorts, ctx: SpecContext): ContainerCreateOptions {
  const env = containerEnv(job, ports, ctx);
  const exposed: Record<string, object> = {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  const hostNetwork = job.networkMode === 'host';
  for (const port of Object.values(ports)) {
    const key = `${port.internalPort}/${port.protocol}`;
    exposed[key] = {};
    if (!hostNetwork) (bindings[key] ??= []).push({ HostIp: port.ip, HostPort: String(port.externalPort) });
  }
  const binds: string[] = [];
  const anonymous: Record<string, object> = {};
  for (const [key, source] of Object.entries(job.volumes ?? {})) {
    const { path, mode } = volumeKey(key);
    if (source === '') anonymous[path] = {};
    else binds.push(`${source}:${path}${mode ? `:${mode}` : ''}`);
  }
  const r = job.resources ?? {};
  return {
    name: containerName(ctx.agent, job.id),
    Image: job.image,
    Cmd: job.command && job.command.length > 0 ? job.command : undefined,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Hostname: job.hostname || undefined,
    Labels: containerLabels(ctx.agent, job.id, job.labels),
    ExposedPorts: exposed,
    Volumes: Object.keys(anonymous).length > 0 ? anonymous : undefined,
    HostConfig: {
      PortBindings: bindings,
      Binds: binds.length > 0 ? binds : undefined,
      Tmpfs: job.ramdisks && Object.keys(job.ramdisks).length > 0 ? job.ramdisks : undefined,
      Memory: r.memory,
      MemorySwap: r.memorySwap,
      CpuShares: r.cpuShares,
      CpusetCpus: r.cpuset,
      CapAdd: job.addCapabilities?.length ? job.addCapabilities : undefined,
      CapDrop: job.dropCapabilities?.length ? job.dropCapabilities : undefined,
      SecurityOpt: job.securityOpt?.length ? job.securityOpt : undefined,
      NetworkMode: job.networkMode || undefined,
      Runtime: job.runtime || undefined,
      // Off unless the job asks, as with `docker run` and Helios: images such as s6-overlay's must be PID 1.
      Init: job.init || undefined,
    },
  };
}

/** The ports a container really publishes, read back from its inspect (for re-adopted containers). */
export function boundPortsFromContainer(job: Job, portBindings: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | undefined,
  defaultIp: string): BoundPorts {
  const out: BoundPorts = {};
  for (const [name, port] of Object.entries(job.ports ?? {})) {
    const protocol = port.protocol ?? 'tcp';
    const binding = portBindings?.[`${port.internalPort}/${protocol}`]?.[0];
    const external = Number(binding?.HostPort) || port.externalPort || port.internalPort;
    out[name] = { ...port, protocol, ip: binding?.HostIp || port.ip || defaultIp, externalPort: external };
  }
  return out;
}
