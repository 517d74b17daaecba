import type { Reaper } from './context.js';

/**
 * The audit log keeps its newest events only (store/audit.ts AUDIT_LIMIT): one statement on the
 * primary key, outside write() so that it bumps no index.
 */
export const pruneAuditLog: Reaper = async (ctx) => {
  await ctx.store.audit.prune();
};
