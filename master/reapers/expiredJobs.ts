import { audit } from '../actions/guards.js';
import type { Reaper } from './context.js';

/** Jobs taken per run; the rest wait for the next. */
const JOBS_PER_RUN = 100;

/**
 * Undeploys and removes jobs whose `expires` has passed (Helios' ExpiredJobReaper). Each job goes in
 * its own transaction, so one bad row cannot stall the others.
 */
export const reapExpiredJobs: Reaper = async (ctx, now) => {
  const { store, log, actor } = ctx;
  for (const jobId of (await store.jobs.expiredIds(now)).slice(0, JOBS_PER_RUN)) {
    if (ctx.stopped()) return;
    try {
      const hosts = await store.write(async (tx) => {
        const deployed = (await tx.deployments.ofJob(jobId)).map((d) => d.host);
        for (const host of deployed) {
          await tx.deployments.remove(host, jobId);
          tx.touchHost(host);
        }
        await tx.jobs.remove(jobId);
        await audit(tx, actor, { action: 'reap', jobId, detail: { reason: 'expired', undeployedFrom: deployed } });
        return deployed;
      });
      log.info({ jobId, hosts }, 'expired job removed');
    } catch (err) {
      log.error({ err, jobId }, 'cannot remove expired job');
    }
  }
};
