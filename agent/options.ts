import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { MAX_JOB_WAIT_SECONDS, masterList, type MetricsAddress, type TlsOptions } from '../core/index.js';
import { defaultDockerHost } from './docker/dockerHost.js';
import { DEFAULT_IMAGE_GC, type ImageGcOptions } from './imageGc/imageGc.js';
import { defaultDockerConfigDir } from './registry/dockerConfig.js';
import { parsePortRange, type PortRange } from './ports.js';
import { isPullPolicy, PULL_POLICIES, type PullPolicy } from './supervisor/pullPolicy.js';
import { defaultRestartPolicy, type RestartPolicyOptions } from './supervisor/restartPolicy.js';

/** What `startAgent` accepts; everything but `master` has a default. */
export interface AgentOptions {
  /**
   * The master's URL, e.g. http://127.0.0.1:5801; or the masters of one cluster (a list, or URLs
   * separated by commas): the agent talks to the one that last answered and moves to the next when it
   * stops answering, a blocking query or a status report included (core/client/failover.ts).
   */
  master: string | string[];
  /** The host name to register under; default os.hostname(). */
  name?: string;
  /** unix:///path or tcp://host:port; default DOCKER_HOST, else unix:///var/run/docker.sock */
  dockerHost?: string;
  /** Default `$HELIOS_HOME/agent-<name>` (HELIOS_HOME default ~/.helios). */
  stateDir?: string;
  labels?: Record<string, string>;
  /** Given to every container (below the job's own env). */
  env?: Record<string, string>;
  portRange?: PortRange | string;
  heartbeatMs?: number;
  /** Host address ports are published on when the job's port has no `ip`; default 0.0.0.0. */
  bindIp?: string;
  /** Bearer token of the master (HELIOS_TOKEN). */
  token?: string;
  /** A private CA to trust and a client certificate, as PEM texts (--ca, --cert, --key). */
  tls?: TlsOptions;
  restartPolicy?: Partial<RestartPolicyOptions>;
  /**
   * Health check backoff: first delay and cap (1 s → 30 s), and how long a check may keep failing
   * before the container is restarted (`giveUpMs`, default 5 min; 0: never, as Helios).
   */
  healthBackoff?: { baseMs?: number; maxMs?: number; giveUpMs?: number };
  /**
   * When to ask the registry for an image (`--pull`): `auto` (default: always for `:latest` and untagged
   * references, only if missing for other tags and digests), `always` (Helios; a failed pull falls back
   * to the local image) or `missing`.
   */
  pullPolicy?: PullPolicy;
  /**
   * The docker config folder whose `config.json` gives registry credentials (`--docker-config`): `auths`,
   * `credsStore`, `credHelpers`, read again for every pull. Default `$DOCKER_CONFIG`, else `~/.docker`.
   */
  dockerConfig?: string;
  /**
   * The longest a container is given to stop (`--max-kill-timeout`): a job's gracePeriod and its
   * secondsToWaitBeforeKill are each cut to this. Default 10 min; from 1 s to a day.
   */
  maxKillTimeoutMs?: number;
  /**
   * Image garbage collection (`--image-gc-*`): every `intervalMs` (default 5 min; 0: off), images no
   * container uses and no task desired here names are removed once unused for `graceMs` (default 1 h),
   * keeping the `keep` (default 2) most recently pulled unused images of each repository; only images
   * this agent pulled unless `all`.
   */
  imageGc?: Partial<ImageGcOptions>;
  resyncMs?: number;
  /**
   * How often every task's latest status is reported again (`--status-resync`; default 5 min; 0: never):
   * a master whose database lost reports (restored from a backup, a standby that missed the last
   * commits) shows the agent's truth again within this, not only at each task's next change. The
   * master takes a status equal to the one it holds as nothing new.
   */
  statusResyncMs?: number;
  pollWaitMs?: number;
  /** Least time between two status POSTs; default 0 (same-tick updates and a burst still share one). */
  statusBatchMs?: number;
  /**
   * Forget the recorded cluster and its desired set at start, and join the cluster of the master that
   * answers (`--join-new-cluster`): for an agent that master refuses with CLUSTER_MISMATCH, once you
   * know that master is the right one (say, its database was replaced on purpose).
   */
  joinNewCluster?: boolean;
  /** Serve GET /metrics (Prometheus) here (`--metrics`); port 0 takes a free one (Agent.metricsUrl). Default: none. */
  metrics?: MetricsAddress;
  logger?: Logger;
}

export type ResolvedAgentOptions = Required<Omit<AgentOptions, 'master' | 'logger' | 'token' | 'tls' | 'portRange' | 'restartPolicy' | 'healthBackoff' | 'imageGc' | 'metrics'>> & {
  metrics?: MetricsAddress;
  imageGc: ImageGcOptions;
  /** Every master given, in order, each once. */
  masters: string[];
  token?: string;
  tls?: TlsOptions;
  logger?: Logger;
  portRange: PortRange;
  restartPolicy: RestartPolicyOptions;
  healthBackoff: { baseMs: number; maxMs: number; giveUpMs: number };
};

/**
 * Default of `--max-kill-timeout`: five times Helios' default kill wait (120 s), so a job keeps the
 * wait it asks for unless it asks for more than ten minutes; Nomad's `max_kill_timeout` is 30 s,
 * but its default `kill_timeout` is 5 s.
 */
export const DEFAULT_MAX_KILL_TIMEOUT_MS = 600_000;

/** Fills the defaults and checks the values; throws an Error naming the bad option. */
export function resolveOptions(o: AgentOptions, env: NodeJS.ProcessEnv = process.env): ResolvedAgentOptions {
  const masters = masterList(typeof o.master === 'string' ? [o.master] : o.master ?? [], '--master');
  if (masters.length === 0) throw new Error('--master is required, e.g. --master http://127.0.0.1:5801');
  const name = o.name ?? hostname();
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,199}$/.test(name)) {
    throw new Error(`--name "${name}" must match [a-zA-Z0-9][a-zA-Z0-9_.-]* (at most 200 characters)`);
  }
  const heliosHome = env.HELIOS_HOME || join(homedir(), '.helios');
  const heartbeatMs = o.heartbeatMs ?? 5_000;
  if (!(heartbeatMs >= 100)) throw new Error('--heartbeat must be at least 100ms');
  const maxKillTimeoutMs = o.maxKillTimeoutMs ?? DEFAULT_MAX_KILL_TIMEOUT_MS;
  if (!(maxKillTimeoutMs >= 1_000 && maxKillTimeoutMs <= MAX_JOB_WAIT_SECONDS * 1_000)) {
    throw new Error(`--max-kill-timeout must be from 1s to ${MAX_JOB_WAIT_SECONDS / 3_600}h`);
  }
  const pullPolicy = o.pullPolicy ?? 'auto';
  if (!isPullPolicy(pullPolicy)) throw new Error(`--pull "${String(pullPolicy)}" must be one of ${PULL_POLICIES.join(', ')}`);
  const imageGc = { ...DEFAULT_IMAGE_GC, ...o.imageGc };
  if (!(imageGc.intervalMs >= 0)) throw new Error('--image-gc-interval must be 0 (off) or more');
  if (!(imageGc.graceMs >= 0)) throw new Error('--image-gc-grace must be 0 or more');
  if (!(Number.isInteger(imageGc.keep) && imageGc.keep >= 0)) throw new Error(`--image-gc-keep "${imageGc.keep}" must be a whole number, 0 or more`);
  return {
    masters,
    name,
    dockerHost: o.dockerHost ?? defaultDockerHost(env),
    stateDir: o.stateDir ?? join(heliosHome, `agent-${name}`),
    labels: o.labels ?? {},
    env: o.env ?? {},
    portRange: typeof o.portRange === 'string' ? parsePortRange(o.portRange) : o.portRange ?? { start: 20000, end: 32768 },
    heartbeatMs,
    bindIp: o.bindIp ?? '0.0.0.0',
    token: o.token ?? (env.HELIOS_TOKEN || undefined),
    tls: o.tls,
    restartPolicy: { ...defaultRestartPolicy, ...o.restartPolicy },
    healthBackoff: { baseMs: o.healthBackoff?.baseMs ?? 1_000, maxMs: o.healthBackoff?.maxMs ?? 30_000, giveUpMs: o.healthBackoff?.giveUpMs ?? 300_000 },
    pullPolicy,
    dockerConfig: o.dockerConfig ?? defaultDockerConfigDir(env),
    maxKillTimeoutMs,
    imageGc,
    resyncMs: o.resyncMs ?? 30_000,
    statusResyncMs: o.statusResyncMs ?? 300_000,
    pollWaitMs: o.pollWaitMs ?? 30_000,
    statusBatchMs: o.statusBatchMs ?? 0,
    joinNewCluster: o.joinNewCluster ?? false,
    metrics: o.metrics,
    logger: o.logger,
  };
}
