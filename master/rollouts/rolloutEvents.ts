import type { RollingUpdateReason, RolloutOutcome, RolloutTask } from '../../core/index.js';
import type { Store, WriteTx } from '../store/store.js';

/** What rollouts did, for GET /metrics (masterMetrics.ts). */
export interface RolloutObserver {
  started(group: string, reason: RollingUpdateReason): void;
  finished(group: string, outcome: Exclude<RolloutOutcome, 'ROLLING_OUT'>, reverted: boolean): void;
  /** A task of a rollout (one host's undeploy, deploy, wait for RUNNING, …) done or failed after `seconds`. */
  stepped(action: RolloutTask['action'], failed: boolean, seconds: number): void;
}

/**
 * `store.write(fn)` whose rollout events reach `observer` only once the write has committed: an
 * attempt retried (PostgreSQL) or rolled back counts nothing, as each attempt gets events of its own.
 *
 * @example
 *   await writeObserved(store, metrics, (tx, events) => startRollout(tx, record, hosts, request, { ...env, events }));
 */
export async function writeObserved<T>(store: Store, observer: RolloutObserver | undefined,
  fn: (tx: WriteTx, events: RolloutObserver) => Promise<T>): Promise<T> {
  let heard: Array<(o: RolloutObserver) => void> = [];
  const result = await store.write((tx) => {
    const attempt: typeof heard = [];
    heard = attempt;
    return fn(tx, {
      started: (group, reason) => { attempt.push((o) => o.started(group, reason)); },
      finished: (group, outcome, reverted) => { attempt.push((o) => o.finished(group, outcome, reverted)); },
      stepped: (action, failed, seconds) => { attempt.push((o) => o.stepped(action, failed, seconds)); },
    });
  });
  if (observer) for (const event of heard) event(observer);
  return result;
}
