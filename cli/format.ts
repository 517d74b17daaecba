import { DEFAULT_SECONDS_TO_WAIT_BEFORE_KILL } from '../core/model/killWait.js';
import type { Job, PortMapping } from '../core/schema/job.js';
import type { JobStatus, TaskStatus } from '../core/schema/status.js';

/** `name:version:hash` → `name:version:<first 7 of hash>`, as `helios jobs` shows ids. */
export function shortJobId(id: string): string {
  const parts = id.split(':');
  return parts.length === 3 ? `${parts[0]}:${parts[1]}:${parts[2].slice(0, 7)}` : id;
}

/** Docker's 12-character container id, or `<none>`. */
export const shortContainerId = (id: string | null | undefined) => (id ? id.slice(0, 12) : '<none>');

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `YYYY-MM-DD HH:mm:ss.SSS` in UTC. */
export function utcTimestamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} `
    + `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

/** The largest whole unit, as Helios and `docker ps` say it: `39 minutes`, `3 seconds`, `2 days`. */
export function humanDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const units: [string, number][] = [['day', 86_400], ['hour', 3_600], ['minute', 60], ['second', 1]];
  for (const [unit, size] of units) {
    const n = Math.floor(seconds / size);
    if (n >= 1) return `${n} ${unit}${n === 1 ? '' : 's'}`;
  }
  return '0 seconds';
}

/** `K=V K2=V2`, sorted by key. */
export const envString = (env: Record<string, string> | undefined) =>
  Object.entries(env ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join(' ');

/** A command as one line: words with blanks in them are quoted, as Helios prints them. */
export const commandString = (command: string[] | undefined) =>
  (command ?? []).map((word) => (/\s/.test(word) || word === '' ? `"${word}"` : word)).join(' ');

/**
 * Ports as `docker ps` prints them, after their name: `http=127.0.0.1:20001->8080/tcp` (host address
 * and port, then the container's); a port the agent allocates is `dynamic` until it is bound.
 */
export const portsString = (ports: Record<string, PortMapping> | undefined) =>
  Object.entries(ports ?? {}).map(([name, p]) =>
    `${name}=${p.ip ? `${p.ip}:` : ''}${p.externalPort ?? 'dynamic'}->${p.internalPort}/${p.protocol ?? 'tcp'}`).join(' ');

/** `k=v, k2=v2` */
export const labelsString = (labels: Record<string, string> | undefined) =>
  Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');

/** `[a, b]`, as Helios prints host lists. */
export const bracketList = (items: string[]) => `[${items.join(', ')}]`;


/** The hosts a job status knows, sorted: those it is deployed on and those still reporting a task. */
export const statusHosts = (s: JobStatus) => [...new Set([...Object.keys(s.deployments), ...Object.keys(s.taskStatuses)])].sort();

/**
 * The goal on `host` as the tables show it: the deployment's, or UNDEPLOY for a task whose deployment
 * is gone while its status remains (the agent is still stopping or removing the container).
 */
export const goalOn = (s: JobStatus, host: string) => s.deployments[host]?.goal ?? (s.taskStatuses[host] ? 'UNDEPLOY' : null);

/** How long a stopping container gets: `given 120 s to stop after SIGTERM before it is killed`. */
export function stopWaitString(job: Pick<Job, 'gracePeriod' | 'secondsToWaitBeforeKill'>): string {
  const wait = job.secondsToWaitBeforeKill ?? DEFAULT_SECONDS_TO_WAIT_BEFORE_KILL;
  return `given ${wait} s to stop after SIGTERM before it is killed${job.gracePeriod ? ` (SIGTERM after a ${job.gracePeriod} s grace period)` : ''}`;
}

/**
 * Why a task is in its state, for a REASON column: the container's error (FAILED, EXITED), the last
 * failed health check (HEALTHCHECKING), or, with the job at hand, how long a STOPPING container has.
 */
export function taskReason(status: TaskStatus, job?: Pick<Job, 'gracePeriod' | 'secondsToWaitBeforeKill'>): string {
  const parts = [
    status.containerError ?? '',
    status.healthCheckError ? `health check: ${status.healthCheckError}` : '',
    status.state === 'STOPPING' && job ? stopWaitString(job) : '',
  ];
  return parts.filter(Boolean).join('; ');
}
