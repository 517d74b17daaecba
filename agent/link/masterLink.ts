import type { Logger } from 'pino';
import { HeliosError, isHeliosError, type DesiredTasks, type HeartbeatRequest, type HeliosClient } from '../../core/index.js';
import { heartbeatDelayMs, retryDelayMs } from './jitter.js';
import type { Trouble } from '../trouble.js';
import type { ClusterStanding } from './clusterStanding.js';
import { fetchDesired } from './fetchDesired.js';

export interface MasterLinkOptions {
  client: HeliosClient;
  name: string;
  agentId: () => string;
  /** The cluster this agent has recorded (sent with every call), null before its first desired set. */
  clusterId: () => string | null;
  /** Index to resume the long-poll from (persisted). */
  index: () => number;
  heartbeatMs: number;
  pollWaitMs: number;
  heartbeat: () => Promise<HeartbeatRequest>;
  /** Every answer of the long-poll: the host's whole desired set (all its pages, see fetchDesired). */
  onTasks(desired: DesiredTasks): Promise<void>;
  /** The master answered again after failing. */
  onBack(): void;
  trouble: Trouble;
  /** Hears every answer and failure: whether the master is of this agent's cluster. */
  standing: Pick<ClusterStanding, 'answered' | 'failed'>;
  log: Logger;
}

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5_000;

/**
 * The agent's side of the protocol: registration, heartbeats and the desired-state long-poll. The
 * master being away is never fatal: every loop retries with backoff, and a HOST_NOT_FOUND answer
 * (the master forgot us) leads to registering again. A master of another cluster (CLUSTER_MISMATCH)
 * is asked again on every try too, so the agent comes back as soon as the right one answers.
 */
export function startMasterLink(o: MasterLinkOptions) {
  const controller = new AbortController();
  const { signal } = controller;
  let registered: Promise<void> | null = null;

  const sleep = (ms: number) => new Promise<void>((resolve) => {
    const done = () => { clearTimeout(timer); signal.removeEventListener('abort', done); resolve(); };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

  // The master checks the cluster id the agent sends; the tasks answer names the master's own, so a
  // check lost on the way (a proxy dropping the header) still cannot hand this agent another cluster's
  // desired set. Until an answer names this cluster again, no other call counts as "same cluster".
  let foreignAnswer = false;
  const reached = () => {
    if (!foreignAnswer) o.standing.answered();
    if (o.trouble.ok()) o.onBack();
  };
  const call = () => ({ clusterId: o.clusterId() });

  /** Registers once; concurrent callers share the attempt. */
  function register(): Promise<void> {
    registered ??= o.client.hosts.register(o.name, o.agentId(), call()).then(() => {
      reached();
      o.log.info({ host: o.name }, 'registered with the master');
    }).finally(() => { registered = null; });
    return registered;
  }

  /** Runs `fn`, registering first when the master does not know this host. */
  async function withRegistration<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (!isHeliosError(err, 'HOST_NOT_FOUND') && !isHeliosError(err, 'HOST_ID_MISMATCH')) throw err;
      await register();
      return fn();
    }
  }

  function failed(err: unknown, what: string): void {
    if (signal.aborted) return;
    o.standing.failed(err);
    if (isHeliosError(err, 'CLUSTER_MISMATCH')) return; // logged by the standing, once
    if (isHeliosError(err, 'MASTER_UNREACHABLE') || isHeliosError(err, 'INTERNAL_ERROR')) o.trouble.fail(err);
    else o.log.warn({ err }, `${what} failed`);
  }

  async function heartbeatLoop(): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        const body = await o.heartbeat();
        await withRegistration(() => o.client.agents.heartbeat(o.name, body, call()));
        failures = 0;
        reached();
      } catch (err) {
        failures += 1;
        failed(err, 'heartbeat');
      }
      await sleep(failures === 0 ? heartbeatDelayMs(o.heartbeatMs) : retryDelayMs(Math.min(o.heartbeatMs, RETRY_MIN_MS * 2 ** failures)));
    }
  }

  async function pollLoop(): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        const desired = await withRegistration(() => fetchDesired(o.client, o.name, o.index(), o.pollWaitMs, { clusterId: o.clusterId(), signal, agentId: o.agentId() }));
        const ours = o.clusterId();
        foreignAnswer = ours !== null && desired.clusterId !== undefined && desired.clusterId !== ours;
        if (foreignAnswer) {
          throw new HeliosError('CLUSTER_MISMATCH', `the master answered for cluster ${desired.clusterId}, not this agent's ${ours}`,
            { clusterId: desired.clusterId, agentClusterId: ours });
        }
        failures = 0;
        reached();
        await o.onTasks(desired);
      } catch (err) {
        if (signal.aborted) break;
        failures += 1;
        failed(err, 'watching the desired tasks');
        await sleep(retryDelayMs(Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** failures)));
      }
    }
  }

  void register().catch((err: unknown) => failed(err, 'registration'));
  const loops = Promise.all([heartbeatLoop(), pollLoop()]);
  return {
    register,
    async stop(): Promise<void> {
      controller.abort();
      await loops;
    },
  };
}
