/**
 * What solo prints about its sync source: a line when a commit is applied, and when one is refused
 * the errors (file:line: message), so a typo in a job file shows in the terminal, not only in a log.
 */
import type { SyncSource } from '../../core/schema/sync.js';

export interface SyncLines {
  /** Same key, nothing new to say. */
  key: string;
  ok: boolean;
  lines: string[];
}

export function describeSync(source: SyncSource): SyncLines | null {
  const commit = source.lastAttemptedCommit;
  if (commit === null) return null;
  const short = commit.slice(0, 7);
  const errors = source.errors.map((e) => `  ${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}`);
  const ok = source.state === 'OK';
  const lines = ok
    ? [`sync: ${source.path}/ at ${short} applied`]
    : [`sync: commit ${short} refused (${source.errors.length} ${source.errors.length === 1 ? 'error' : 'errors'}); ${source.lastAppliedCommit ? `${source.lastAppliedCommit.slice(0, 7)} stays applied` : 'nothing applied'}`, ...errors];
  return { key: `${commit}|${source.state}|${errors.join('\n')}`, ok, lines };
}
