/**
 * The rollout engine: a level-triggered reconcile of every deployment group, run when any write of
 * this master commits (the index the blocking queries use), and at the next time a waiting task's
 * answer changes by itself (a timeout, minHealthySeconds). No pacing: a step follows the previous one
 * as soon as its condition holds. Each step is one write transaction, so the state after it is in
 * the store; a step with nothing to do is rolled back and wakes nobody.
 *
 * Once per cluster: a pass runs only while this master holds the `rollouts` lease (PostgreSQL: one
 * master; SQLite: always). On PostgreSQL other masters' durable writes are heard too (Store.onCommit),
 * and the engine also looks every `recheckMs` for one whose notice was lost; a master that does not
 * hold the lease asks for it again every LEASE_ASK_MS, not at every commit, so it takes over within
 * about a second of its holder's death.
 *
 * Heartbeats (the non-durable commits: 200 a second from 1,000 agents) matter only for a label change
 * or a host back UP, so they bring one pass per HEARTBEAT_PASS_MS at most; every other commit (a task
 * status, a deploy, a group's change) brings one at once.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Store, WriteTx } from '../store/store.js';
import type { GroupRecord } from '../store/deploymentGroups.js';
import type { HostRecord } from '../store/hosts.js';
import { isUp } from '../views.js';
import { withCurrentMembers } from './membership.js';
import { startRollout, stepRollout, type RolloutEnv, type StepResult } from './rollout.js';
import { targetJobOf } from './tasks.js';
import { writeObserved, type RolloutObserver } from './rolloutEvents.js';

export const ROLLOUT_LEASE = 'rollouts';
/** How often the engine looks for other masters' writes when the store has no recheckMs. */
const LEASE_RECHECK_MS = 5_000;
/** How often a master without the lease asks for it (on PostgreSQL one pg_try_advisory_lock). */
const LEASE_ASK_MS = 1_000;
/** At most one pass this often for heartbeats alone. */
const HEARTBEAT_PASS_MS = 250;

export interface RolloutEngineOptions {
  downAfterMs: number;
  master: string;
  log?: FastifyBaseLogger;
  /** Told what each committed step did (GET /metrics). */
  observer?: RolloutObserver;
  /** Called after each committed step (the dashboard's change feed). */
  onStep?: () => void;
}

export interface RolloutEngine {
  /** Asks for a pass now (after the current one, when one runs). */
  poke(): void;
  stop(): Promise<void>;
}

/** Nothing to write: rolls the step's transaction back. */
class NoChange extends Error {
  constructor(readonly until: number | undefined) { super('no change'); }
}

export function startRolloutEngine(store: Store, options: RolloutEngineOptions): RolloutEngine {
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  /** Refused the lease: not asked again before this time (unless a timer or recheck comes first). */
  let leaseRetryAt = 0;

  const poke = () => {
    if (stopped) return;
    if (running) { again = true; return; }
    running = (async () => {
      do {
        again = false;
        const until = await pass().catch((err: unknown) => {
          options.log?.error({ err }, 'rollout pass failed');
          return Date.now() + 1_000;
        });
        schedule(until);
      } while (again && !stopped);
      running = undefined;
    })();
  };

  function schedule(until: number | undefined): void {
    clearTimeout(timer);
    const recheck = Date.now() + (store.recheckMs ?? LEASE_RECHECK_MS);
    const at = until === undefined ? (store.recheckMs === undefined ? undefined : recheck) : Math.min(until, recheck);
    if (at !== undefined && !stopped) timer = setTimeout(poke, Math.max(0, at - Date.now()) + 1);
  }

  /** Every group, each stepped until it waits; returns the earliest time one needs looking at again. */
  async function pass(): Promise<number | undefined> {
    if (Date.now() < leaseRetryAt) return leaseRetryAt;
    if (!await store.holdsLease(ROLLOUT_LEASE)) {
      leaseRetryAt = Date.now() + LEASE_ASK_MS;
      return leaseRetryAt;
    }
    const groups = await store.deploymentGroups.list();
    let earliest: number | undefined;
    for (const { group } of groups) {
      for (;;) {
        if (stopped) return undefined;
        // One group's failure (a lost database, a bug) is retried in a second and holds up no other group.
        const result = await step(group.name).catch((err: unknown): StepResult => {
          options.log?.error({ err, deploymentGroup: group.name }, 'rollout step failed');
          return { wrote: false, until: Date.now() + 1_000 };
        });
        if (result.wrote) {
          options.onStep?.();
          continue;
        }
        if (result.until !== undefined) earliest = Math.min(earliest ?? Infinity, result.until);
        break;
      }
    }
    return earliest;
  }

  async function step(name: string): Promise<StepResult> {
    try {
      return await writeObserved(store, options.observer, async (tx, events) => {
        const record = await tx.deploymentGroups.get(name);
        if (!record) throw new NoChange(undefined);
        const env: RolloutEnv = { now: Date.now(), downAfterMs: options.downAfterMs, master: options.master, events };
        const hosts = await tx.hosts.list();
        if (record.status?.state !== 'ROLLING_OUT' || !record.rollout) {
          const started = await followHosts(tx, record, hosts, env);
          if (!started) throw new NoChange(undefined);
          return { wrote: true } as const;
        }
        const stepped = await stepRollout(tx, record, env);
        if (!stepped.wrote) throw new NoChange(stepped.until);
        return stepped;
      });
    } catch (err) {
      if (err instanceof NoChange) return { wrote: false, until: err.until };
      throw err;
    }
  }

  /**
   * A group not rolling out follows its hosts (Helios' UpdateDeploymentGroupHosts): new members, or
   * members that left, start a HOSTS_CHANGED rollout over all of them when the group has a job and is
   * not FAILED by a manual rollout; else only the lists change. Better than Helios: a member that was
   * DOWN during the rollout, and is UP now without the group's job, is caught up the same way.
   */
  async function followHosts(tx: WriteTx, record: GroupRecord, hosts: HostRecord[], env: RolloutEnv): Promise<boolean> {
    const changed = withCurrentMembers(record, hosts);
    const current = changed ?? record;
    const mayRoll = current.group.jobId !== undefined
      && (current.status === null || current.status.state === 'DONE' || current.group.rollingUpdateReason === 'HOSTS_CHANGED');
    const behind = mayRoll && current.status?.state === 'DONE' && await hasHostBehind(tx, current, hosts, env);
    if ((changed && mayRoll) || behind) {
      const job = await tx.jobs.get(current.group.jobId!);
      if (job) {
        options.log?.info({ group: record.group.name, hosts: current.hosts, removed: current.removed }, 'deployment group hosts changed: rolling out');
        await startRollout(tx, current, hosts, { job, requested: current.group.rolloutOptions, reason: 'HOSTS_CHANGED', startedBy: 'master' }, env);
        return true;
      }
    }
    if (!changed) return false;
    await tx.deploymentGroups.put(changed, tx.index);
    return true;
  }

  async function hasHostBehind(tx: WriteTx, record: GroupRecord, hosts: HostRecord[], env: RolloutEnv): Promise<boolean> {
    const up = new Set(hosts.filter((host) => isUp(host, env.downAfterMs, env.now)).map((host) => host.name));
    const jobId = record.rollout ? targetJobOf(record.rollout) : record.group.jobId!;
    if (record.removed.some((host) => up.has(host))) return true;
    for (const host of record.hosts) {
      if (up.has(host) && !await tx.deployments.get(host, jobId)) return true;
    }
    return false;
  }

  const unsubscribe = store.onCommit((_index, durable) => {
    if (durable) poke();
    else heartbeatTimer ??= setTimeout(() => { heartbeatTimer = undefined; poke(); }, HEARTBEAT_PASS_MS);
  });
  poke();
  return {
    poke,
    stop: async () => {
      stopped = true;
      unsubscribe();
      clearTimeout(timer);
      clearTimeout(heartbeatTimer);
      await running;
    },
  };
}
