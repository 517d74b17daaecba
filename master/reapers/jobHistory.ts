import { audit } from '../actions/guards.js';
import { inBatches } from './batches.js';
import type { Reaper } from './context.js';

/** One transaction deletes at most this many history events (a few ms)... */
const EVENTS_PER_BATCH = 1_000;
/** ...of at most this many removed jobs; a run does at most BATCHES_PER_RUN of them. */
const JOBS_PER_BATCH = 100;
const BATCHES_PER_RUN = 50;

/**
 * Deletes the history and statuses of jobs removed more than --history-retention ago (Helios'
 * JobHistoryReaper). Statuses that arrive after the removal (the agent stopping the task) are kept
 * until then; once reaped, late reports of the job are no longer taken.
 */
export const reapJobHistory: Reaper = async (ctx, now) => {
  const { store, log, actor } = ctx;
  const cutoff = now - ctx.retention.historyMs;
  const reaped: string[] = [];
  let events = 0;
  // Looked for before writing: a run with nothing to reap writes nothing (not even the index).
  await inBatches(async () => (await store.statuses.removedBefore(cutoff, 1)).length === 0 ? { more: false } : store.write(async (tx) => {
    const due = await tx.statuses.removedBefore(cutoff, JOBS_PER_BATCH);
    const batch = { jobs: 0, events: 0, statuses: 0 };
    for (const jobId of due) {
      const result = await tx.statuses.reapJob(jobId, EVENTS_PER_BATCH - batch.events);
      batch.events += result.events;
      batch.statuses += result.statuses;
      if (!result.done) break;
      batch.jobs += 1;
      reaped.push(jobId);
    }
    if (batch.jobs + batch.events > 0) {
      await audit(tx, actor, { action: 'reap', detail: { reason: 'history of removed jobs', ...batch } });
    }
    events += batch.events;
    return { more: due.length === JOBS_PER_BATCH || batch.events === EVENTS_PER_BATCH };
  }), BATCHES_PER_RUN, ctx.stopped);
  if (reaped.length > 0 || events > 0) {
    log.info({ jobs: reaped.length, events, jobIds: reaped.slice(0, 10) }, 'history of removed jobs reaped');
  }
};
