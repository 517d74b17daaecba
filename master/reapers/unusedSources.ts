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
  if (store.syncSources.unusedSince(cutoff, 1).length === 0) return; // nothing to write, not even the index
  const reaped = store.write(() => store.syncSources.unusedSince(cutoff, SOURCES_PER_RUN).map((name) => {
    const source = store.syncSources.get(name)!;
    store.syncSources.remove(name);
    const detail = { reason: 'unused', repo: source.repo, lastAttempt: source.lastAttempt === null ? null : new Date(source.lastAttempt).toISOString() };
    audit(store, actor, { action: 'reap', source: name, detail });
    return { source: name, ...detail };
  }));
  for (const source of reaped) log.info(source, 'unused sync source removed');
};
