import { hostname } from 'node:os';
import type { HeliosClient } from '../core/client/createClient.js';

/** The host name job files and the CLI take for this machine's agent. */
export const LOCAL = 'local';

/**
 * `local` in a list of hosts means this machine's agent, as in job files (`helios solo` runs its
 * syncer with `--host-alias local=<its agent>`): the registered host named like this machine, or,
 * on a master at a loopback address that has only one host, that host (a solo given `--name`).
 * A host really registered as `local` is itself. When none fits, `local` stays, and the master's
 * HOST_NOT_FOUND is explained by `explainUnknownHosts`.
 * @example
 *   await resolveLocal(client, ['local', 'db-1'], ['http://127.0.0.1:5801'])   // → ['laptop', 'db-1'] on a machine named laptop
 */
export async function resolveLocal(client: HeliosClient, hosts: string[], masters: string[]): Promise<string[]> {
  if (!hosts.includes(LOCAL)) return hosts;
  const known = await client.hosts.list();
  const local = localHostOf(known, masters);
  return local === undefined ? hosts : [...new Set(hosts.map((h) => (h === LOCAL ? local : h)))];
}

/** This machine's agent among `known` hosts, if one can be told (see resolveLocal). */
export function localHostOf(known: string[], masters: string[]): string | undefined {
  if (known.includes(LOCAL)) return LOCAL;
  if (known.includes(hostname())) return hostname();
  return known.length === 1 && masters.every(isLoopback) ? known[0] : undefined;
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

/** Why `local` named no host: `localHostOf` found none among `known`. */
export const whyNoLocal = (known: string[]) =>
  `'local' is this machine's agent, but no host is named ${hostname()}${known.length === 1 ? ' (and the master is not on 127.0.0.1)' : ''}`;
