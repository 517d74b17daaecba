import { createHash } from 'node:crypto';
import type { SyncJob } from '../../core/index.js';

/**
 * `--host-alias NAME=HOST`: job files may name a host by an alias (`deploy.hosts: [local]`, as the
 * repository's own sample does for `helios solo`), replaced by the real host name before sending.
 * Names without an alias pass unchanged; a host reached twice (an alias and its real name) is kept once.
 * The aliases become part of each entry's digest: the same file sent with other aliases is another entry.
 * @example
 *   aliasHosts(jobs, new Map([['local', 'laptop']]))   // hosts [local, web-1] → [laptop, web-1]
 */
export function aliasHosts(jobs: SyncJob[], aliases: ReadonlyMap<string, string>): SyncJob[] {
  if (aliases.size === 0) return jobs;
  const suffix = `+${createHash('sha1').update(JSON.stringify([...aliases].sort())).digest('hex').slice(0, 12)}`;
  return jobs.map((job) => ({
    ...job,
    hosts: [...new Set(job.hosts.map((host) => aliases.get(host) ?? host))],
    digest: job.digest === undefined ? undefined : job.digest + suffix,
  }));
}
