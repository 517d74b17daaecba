import type { StatusReport, TaskUpdate } from '../../core/index.js';
import { retryDelayMs } from './jitter.js';

/** A report's content; the agent adds its id. */
export type StatusBatch = Omit<StatusReport, 'id'>;

export interface StatusReporterOptions {
  send(report: StatusBatch): Promise<void>;
  /**
   * Least time between two POSTs (0: none). Updates arriving in the same tick always share a POST, and
   * while a POST is in flight the next ones queue and go together when it returns.
   */
  batchMs: number;
  /** Wait after a failed send (the master is away); doubles up to `maxRetryMs`. */
  retryMs: number;
  maxRetryMs: number;
  onSendError(err: unknown): void;
  onSendOk(): void;
  /**
   * Whether the master refused a report as such (too large, malformed): it is split and sent again in
   * halves, and a single refused update is dropped, so one bad report never blocks the ones behind it.
   */
  isRefused?(err: unknown): boolean;
  /** Updates per POST at most; default 500 (about 250 KB, well under the master's 1 MiB body limit). */
  maxBatch?: number;
}

/** Updates kept while the master is away; past this the oldest are dropped (the newest per task stays). */
const MAX_QUEUED = 10_000;
const MAX_BATCH = 500;

/**
 * Queues task updates and removals and sends them in batches, in order, keeping them across
 * failures until the master takes them. With `batchMs: 0` (the agent's default) nothing waits for a
 * window: the first update after a quiet spell leaves on the next tick (so RUNNING reaches the master
 * at once), and a burst batches itself behind the one POST in flight (one at a time keeps the order).
 */
export function createStatusReporter(o: StatusReporterOptions) {
  let updates: TaskUpdate[] = [];
  let removed: string[] = [];
  let inFlight: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let lastSendAt = 0;
  let failures = 0;
  let stopped = false;
  const maxBatch = o.maxBatch ?? MAX_BATCH;
  let batchLimit = maxBatch;

  function schedule(): void {
    if (stopped || timer || immediate || inFlight || (updates.length === 0 && removed.length === 0)) return;
    const delay = failures > 0
      ? retryDelayMs(Math.min(o.maxRetryMs, o.retryMs * 2 ** (failures - 1)))
      : Math.max(0, lastSendAt + o.batchMs - Date.now());
    // The next tick, not now: updates emitted in the same synchronous run (PULLING_IMAGE and CREATING,
    // or 50 tasks starting at once) share one POST.
    if (delay === 0) immediate = setImmediate(() => { immediate = undefined; void flush(); });
    else timer = setTimeout(() => { timer = undefined; void flush(); }, delay);
  }

  function cancel(): void {
    clearTimeout(timer);
    clearImmediate(immediate);
    timer = undefined;
    immediate = undefined;
  }

  async function flush(): Promise<void> {
    if (inFlight || (updates.length === 0 && removed.length === 0)) return;
    const sent = updates.slice(0, batchLimit);
    updates = updates.slice(batchLimit);
    // The master applies a report's updates before its removals: a removal goes only once every queued
    // update of its task has gone, or a later report (STOPPED, after a long queue) would bring it back.
    const waiting = new Set(updates.map((u) => u.status.jobId));
    const batch: StatusBatch = { updates: sent, removed: removed.filter((id) => !waiting.has(id)) };
    removed = removed.filter((id) => waiting.has(id));
    lastSendAt = Date.now();
    inFlight = o.send(batch).then(() => {
      failures = 0;
      batchLimit = maxBatch;
      o.onSendOk();
    }, (err: unknown) => {
      const refused = o.isRefused?.(err) ?? false;
      // Updates queued now were pushed while the POST was in flight (none of a removed task was left
      // behind when the batch was made): a task among them is back, and its removal is stale.
      const back = new Set(updates.map((u) => u.status.jobId));
      if (refused && batch.updates.length <= 1) {
        // Refused whole for one update: dropped, since sending it again would be refused again.
        if (batch.updates.length === 0) batch.removed = [];
      } else {
        updates = [...batch.updates, ...updates];
        if (refused) batchLimit = Math.ceil(batch.updates.length / 2);
        else failures += 1;
      }
      removed = [...new Set([...batch.removed.filter((id) => !back.has(id)), ...removed])];
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
      // A task deployed again after its removal was queued: the master applies a report's updates before
      // its removals, so the stale removal would delete the new status.
      if (removed.length > 0) removed = removed.filter((id) => id !== update.status.jobId);
      // A pull's progress replaces the progress still queued for its task: only the newest counts
      // (the master keeps none in history), so a slow or absent master meets no pile of them.
      const last = updates.findLastIndex((u) => u.status.jobId === update.status.jobId);
      if (last >= 0 && update.status.pullProgress && updates[last].status.pullProgress) updates[last] = update;
      else updates.push(update);
      trim();
      schedule();
    },
    removed(jobId: string): void {
      // Sent after the task's queued updates (see flush), so its history keeps them (STOPPED).
      removed.push(jobId);
      schedule();
    },
    /** Sends what is queued now (used when the master comes back). */
    retryNow(): void {
      if (failures === 0) return;
      failures = 0;
      cancel();
      schedule();
    },
    pending: () => updates.length + removed.length,
    async stop(): Promise<void> {
      stopped = true;
      cancel();
      await inFlight;
    },
  };
}

export type StatusReporter = ReturnType<typeof createStatusReporter>;
