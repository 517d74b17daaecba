import { audit } from '../actions/guards.js';
import type { Reaper } from './context.js';

const SOURCES_PER_RUN = 100;

/**
 * Forgets sync sources that own nothing and have neither tried a commit nor been registered for
 * --source-reap-after, as `DELETE /sync/sources/{name}` would: their syncer is gone. A syncer that
 * comes back records its source again with its next sync.
 */
export const reapUnusedSources: Reaper = async (ctx, now) => {
  const { store, log, actor } = ctx;
  if (ctx.retention.sourceReapAfterMs === null) return;
  const cutoff = now - ctx.retention.sourceReapAfterMs;
  if ((await store.syncSources.unusedSince(cutoff, 1)).length === 0) return; // nothing to write, not even the index
  const reaped = await store.write(async (tx) => {
    const removed = [];
    for (const name of await tx.syncSources.unusedSince(cutoff, SOURCES_PER_RUN)) {
      const source = (await tx.syncSources.get(name))!;
      await tx.syncSources.remove(name);
      const detail = { reason: 'unused', repo: source.repo, lastAttempt: source.lastAttempt === null ? null : new Date(source.lastAttempt).toISOString() };
      await audit(tx, actor, { action: 'reap', source: name, detail });
      removed.push({ source: name, ...detail });
    }
    return removed;
  });
  for (const source of reaped) log.info(source, 'unused sync source removed');
};
