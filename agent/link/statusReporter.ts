import type { StatusReport, TaskUpdate } from '../../core/index.js';

export interface StatusReporterOptions {
  send(report: StatusReport): Promise<void>;
  /** At most one POST per window; an update arriving after a quiet window goes at once. */
  batchMs: number;
  /** Wait after a failed send (the master is away); doubles up to `maxRetryMs`. */
  retryMs: number;
  maxRetryMs: number;
  onSendError(err: unknown): void;
  onSendOk(): void;
}

/** Updates kept while the master is away; past this the oldest are dropped (the newest per task stays). */
const MAX_QUEUED = 10_000;

/**
 * Queues task updates and removals and sends them in batches, in order, keeping them across
 * failures until the master takes them.
 */
export function createStatusReporter(o: StatusReporterOptions) {
  let updates: TaskUpdate[] = [];
  let removed: string[] = [];
  let inFlight: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;
  let lastSendAt = 0;
  let failures = 0;
  let stopped = false;

  function schedule(): void {
    if (stopped || timer || inFlight || (updates.length === 0 && removed.length === 0)) return;
    const delay = failures > 0
      ? Math.min(o.maxRetryMs, o.retryMs * 2 ** (failures - 1))
      : Math.max(0, lastSendAt + o.batchMs - Date.now());
    if (delay === 0) void flush();
    else timer = setTimeout(() => { timer = undefined; void flush(); }, delay);
  }

  async function flush(): Promise<void> {
    if (inFlight || (updates.length === 0 && removed.length === 0)) return;
    const batch: StatusReport = { updates, removed };
    updates = [];
    removed = [];
    lastSendAt = Date.now();
    inFlight = o.send(batch).then(() => {
      failures = 0;
      o.onSendOk();
    }, (err: unknown) => {
      failures += 1;
      updates = [...batch.updates, ...updates];
      removed = [...new Set([...batch.removed, ...removed])];
      trim();
      o.onSendError(err);
    });
    await inFlight;
    inFlight = null;
    schedule();
  }

  function trim(): void {
    if (updates.length <= MAX_QUEUED) return;
    const newest = new Map(updates.map((u) => [u.status.jobId, u]));
    const keep = new Set(newest.values());
    let drop = updates.length - MAX_QUEUED;
    updates = updates.filter((u) => keep.has(u) || drop-- <= 0);
  }

  return {
    push(update: TaskUpdate): void {
      updates.push(update);
      trim();
      schedule();
    },
    removed(jobId: string): void {
      // A removal supersedes the task's queued updates: the master drops its status anyway.
      removed.push(jobId);
      schedule();
    },
    /** Sends what is queued now (used when the master comes back). */
    retryNow(): void {
      if (failures === 0) return;
      failures = 0;
      clearTimeout(timer);
      timer = undefined;
      schedule();
    },
    pending: () => updates.length + removed.length,
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}

export type StatusReporter = ReturnType<typeof createStatusReporter>;
