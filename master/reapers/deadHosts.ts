import { audit, isGitOwner } from '../actions/guards.js';
import { inBatches } from './batches.js';
import type { Reaper } from './context.js';
import type { Queries } from '../store/store.js';

/** Hosts taken per run, and history events deleted per transaction (a host's can be many). */
const HOSTS_PER_RUN = 10;
const EVENTS_PER_BATCH = 1_000;
const BATCHES_PER_HOST = 50;

/**
 * Deregisters hosts DOWN longer than --host-reap-after (Helios' DeadAgentReaper, which deregistered
 * them the same way): first the host's history, a batch at a time while it is still registered (so a
 * run cut short leaves the rest to the next), then in one transaction its statuses, its deployments
 * and the host itself. Git's deployments stay: the repository still asks for them, and deployments may
 * name hosts that are not registered (the next agent of that name gets them).
 */
export const reapDeadHosts: Reaper = async (ctx, now) => {
  const { store, log, actor } = ctx;
  if (ctx.retention.hostReapAfterMs === null) return;
  const cutoff = now - ctx.downAfterMs - ctx.retention.hostReapAfterMs;
  const silent = async (q: Queries, host: string) => {
    const record = await q.hosts.get(host);
    return record !== undefined && (record.lastSeen ?? record.registered) <= cutoff;
  };
  for (const host of await store.hosts.silentSince(cutoff, HOSTS_PER_RUN)) {
    let historyLeft = true;
    await inBatches(() => store.write(async (tx) => {
      historyLeft = await silent(tx, host) && await tx.statuses.reapHostHistory(host, EVENTS_PER_BATCH) === EVENTS_PER_BATCH;
      return { more: historyLeft };
    }), BATCHES_PER_HOST, ctx.stopped);
    if (historyLeft || ctx.stopped()) continue;
    const reaped = await store.write(async (tx) => {
      const record = await tx.hosts.get(host);
      if (!record || !await silent(tx, host)) return undefined; // it came back meanwhile
      const deployments = await tx.deployments.ofHost(host);
      const undeployed = deployments.filter((d) => !isGitOwner(d.owner)).map((d) => d.jobId);
      for (const jobId of undeployed) await tx.deployments.remove(host, jobId);
      await tx.statuses.removeHost(host);
      await tx.hosts.remove(host);
      tx.touchHost(host);
      const lastSeen = record.lastSeen ?? record.registered;
      const detail = { reason: 'down', lastSeen: new Date(lastSeen).toISOString(), undeployed, gitDeploymentsKept: deployments.length - undeployed.length };
      await audit(tx, actor, { action: 'reap', host, detail });
      return detail;
    });
    if (reaped) log.info({ host, ...reaped }, 'dead host deregistered');
  }
};
