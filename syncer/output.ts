import type { FileError, SyncAction } from '../core/index.js';
import { syncActionTarget } from '../core/model/syncActionTarget.js';

/** `jobs/web.yaml:6: ports.http.internalPort: must be an integer` (the compiler convention editors jump to). */
export function formatError(e: FileError): string {
  return `${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}`;
}

/**
 * One line per action: `deploy     web:1:3f2a… on agent-1 (START)  jobs/web.yaml`, and for a group
 * `rolling-update web:2:9c1d… to group web  jobs/web.yaml`.
 */
export function formatAction(a: SyncAction): string {
  const file = a.file ? `  ${a.file}` : '';
  return `${a.action.padEnd(10)} ${a.jobId}${syncActionTarget(a)}${file}`;
}
