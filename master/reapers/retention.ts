/**
 * How long the master keeps what nobody needs any more (the reapers' flags).
 *  - history: a removed job's history and statuses (Helios' JobHistoryReaper deleted them at removal;
 *    0 does that here too, at the reaper's next run).
 *    An hour lets `helios history` explain a job a script has just removed, as long as Kubernetes keeps
 *    its events; under churn the history kept is what an hour of removals leaves, not all of it.
 *  - hosts: a host DOWN this long is deregistered, its deployments but git's undeployed (Helios'
 *    DeadAgentReaper, default 14 days there too): longer than any maintenance or holiday, since its
 *    hand-made deployments go with it; what a dead host costs meanwhile is a row and its statuses.
 *  - sources: a sync source that owns nothing and has not tried a commit (nor been registered) for
 *    this long: its syncer is gone; if it comes back, its next sync records the source again.
 */
export interface Retention {
  /** --history-retention */
  historyMs: number;
  /** --host-reap-after: DOWN for this long (after --down-after without a heartbeat); null: never. */
  hostReapAfterMs: number | null;
  /** --source-reap-after; null: never. */
  sourceReapAfterMs: number | null;
}

const DAY_MS = 24 * 3_600_000;

export const defaultRetention: Retention = {
  historyMs: 3_600_000,
  hostReapAfterMs: 14 * DAY_MS,
  sourceReapAfterMs: 7 * DAY_MS,
};

/** The retention given, over the defaults (a value given as undefined keeps its default). */
export const resolveRetention = (given: Partial<Retention> = {}): Retention =>
  ({ ...defaultRetention, ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) });
