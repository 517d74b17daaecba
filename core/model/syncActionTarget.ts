import type { SyncAction } from '../schema/sync.js';

/**
 * Where a sync action goes and with what goal, as the syncer's plan and the dashboard write it:
 * ` on agent-1 (START)`, ` to group web` (a rolling update), ` group web` (another group action), or ''.
 */
export function syncActionTarget(a: SyncAction): string {
  const where = a.group ? ` ${a.action === 'rolling-update' ? 'to ' : ''}group ${a.group}` : a.host ? ` on ${a.host}` : '';
  return `${where}${a.goal ? ` (${a.goal})` : ''}`;
}
