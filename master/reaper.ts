import type { FastifyBaseLogger } from 'fastify';
import type { Store } from './store/store.js';
import type { Actor } from './actions/guards.js';

/**
 * Undeploys and removes jobs whose `expires` has passed, every `intervalMs`. Each job goes in its
 * own transaction, so one bad row cannot stall the others.
 */
export function startReaper(store: Store, options: { intervalMs: number; master: string; log: FastifyBaseLogger }) {
  const actor: Actor = { owner: 'master', user: null, tokenName: 'master', master: options.master, system: true };
  const reapOnce = (now = Date.now()): string[] => {
    const reaped: string[] = [];
    for (const jobId of store.jobs.expiredIds(now)) {
      try {
        store.write((tx) => {
          for (const d of store.deployments.ofJob(jobId)) {
            store.deployments.remove(d.host, jobId);
            tx.touchHost(d.host);
          }
          store.jobs.remove(jobId);
        });
        reaped.push(jobId);
        options.log.info({ jobId, actor: actor.owner }, 'expired job removed');
      } catch (err) {
        options.log.error({ err, jobId }, 'cannot remove expired job');
      }
    }
    // The audit log keeps its newest events only: one statement on the primary key, outside write()
    // so that it bumps no index.
    try {
      store.audit.prune();
    } catch (err) {
      options.log.error({ err }, 'cannot prune the audit log');
    }
    return reaped;
  };
  const timer = setInterval(() => reapOnce(), options.intervalMs);
  timer.unref();
  return { reapOnce, stop: () => clearInterval(timer) };
}
