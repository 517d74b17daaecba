import { HeliosError } from '../core/errors/HeliosError.js';
import type { Output } from './output.js';

/** What happened on one host: `OK`, or the error code the master answered with. */
export interface HostResult {
  host: string;
  status: string;
  message: string | null;
}

/** Errors that concern the whole command, not one host: they abort instead of failing a host. */
const GLOBAL_FAILURES = new Set(['MASTER_UNREACHABLE', 'UNAUTHORIZED', 'INTERNAL_ERROR', 'NOT_FOUND']);

/**
 * Runs `action` for every host at once and collects one result per host in the order given, as
 * Helios does: one host failing (JOB_ALREADY_DEPLOYED, GIT_OWNED, …) does not stop the others.
 */
export async function forEachHost(hosts: string[], action: (host: string) => Promise<unknown>): Promise<HostResult[]> {
  return Promise.all(hosts.map(async (host): Promise<HostResult> => {
    try {
      await action(host);
      return { host, status: 'OK', message: null };
    } catch (err) {
      if (!(err instanceof HeliosError) || GLOBAL_FAILURES.has(err.code)) throw err;
      return { host, status: err.code, message: err.message };
    }
  }));
}

/**
 * `host: done` or `host: failed: CODE (message)` per host; the message is left out for
 * JOB_ALREADY_DEPLOYED, whose code says it all (as in the user guide). Returns the exit code.
 */
export function printHostResults(out: Output, results: HostResult[]): number {
  for (const r of results) {
    if (r.status === 'OK') out.print(`${r.host}: ${out.colors.good('done')}`);
    else out.print(`${r.host}: ${out.colors.bad('failed')}: ${r.status}${r.status === 'JOB_ALREADY_DEPLOYED' || !r.message ? '' : ` (${r.message})`}`);
  }
  return exitCodeOf(results);
}

export const exitCodeOf = (results: HostResult[]) => (results.every((r) => r.status === 'OK') ? 0 : 1);
