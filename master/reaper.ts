import type { FastifyBaseLogger } from 'fastify';
import type { Store } from './store/store.js';
import type { Actor } from './actions/guards.js';
import type { Reaper, ReaperContext } from './reapers/context.js';
import type { Retention } from './reapers/retention.js';
import { reapExpiredJobs } from './reapers/expiredJobs.js';
import { reapJobHistory } from './reapers/jobHistory.js';
import { reapDeadHosts } from './reapers/deadHosts.js';
import { reapUnusedSources } from './reapers/unusedSources.js';
import { pruneAuditLog } from './reapers/auditLog.js';

/** In order: an expired job's removal starts its history's retention. */
const reapers: Record<string, Reaper> = {
  expiredJobs: reapExpiredJobs,
  jobHistory: reapJobHistory,
  deadHosts: reapDeadHosts,
  unusedSources: reapUnusedSources,
  auditLog: pruneAuditLog,
};

export interface ReaperOptions {
  intervalMs: number;
  /** This master's name, recorded on what the reapers do. */
  master: string;
  downAfterMs: number;
  retention: Retention;
  log: FastifyBaseLogger;
}

/**
 * Runs every reaper (master/reapers/) once per `intervalMs`, one after the other; a run starts
 * `intervalMs` after the previous one ended, so two never overlap. Each reaper does bounded work in
 * short transactions and logs and audits what it reaped; one that fails is logged and the next runs.
 * Only the master holding the store's `reapers` lease runs them (several masters over PostgreSQL);
 * another takes it at its next run once the holder is gone.
 */
export function startReaper(store: Store, options: ReaperOptions) {
  let stopped = false;
  const actor: Actor = { owner: 'master', user: null, tokenName: 'master', master: options.master };
  const ctx: ReaperContext = { store, log: options.log, actor, downAfterMs: options.downAfterMs, retention: options.retention, stopped: () => stopped };

  const runOnce = async (now = Date.now()): Promise<void> => {
    // Once per cluster: of several masters over one PostgreSQL, the lease's holder reaps.
    if (!await store.holdsLease('reapers').catch((err: unknown) => { options.log.error({ err }, 'reaper lease unavailable'); return false; })) return;
    for (const [name, reap] of Object.entries(reapers)) {
      if (stopped) return;
      try {
        await reap(ctx, now);
      } catch (err) {
        options.log.error({ err, reaper: name }, 'reaper failed');
      }
    }
  };

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const schedule = () => {
    timer = setTimeout(() => {
      running = runOnce().finally(() => {
        running = undefined;
        if (!stopped) schedule();
      });
    }, options.intervalMs);
    timer.unref();
  };
  schedule();
  return {
    runOnce,
    /** No new run starts; resolves once the one under way has finished its batch. */
    stop: async (): Promise<void> => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
