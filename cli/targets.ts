import type { HeliosError } from '../core/errors/HeliosError.js';
import type { HeliosClient } from '../core/client/createClient.js';
import { resolveHostName } from './hostNames.js';
import { LOCAL, localHostOf } from './localHost.js';
import { searchDomains } from './searchDomains.js';

/** The hosts a per-host command (deploy, undeploy, start, stop) acts on. */
export interface Targets {
  /** One per name given, in order, without repeats: the host it resolved to, or the name as given when it did not. */
  hosts: string[];
  /** The names that resolved to no single host (AMBIGUOUS_HOST), by name: they fail without asking the master. */
  failures: Map<string, HeliosError>;
  /** Every registered host (for explaining a HOST_NOT_FOUND without asking again). */
  known: string[];
}

/**
 * Resolves the host names of a command line with one GET /hosts: `local` is this machine's agent
 * (localHost.ts), any other name a registered host or a unique prefix of one, as Helios' CLI
 * resolves them (hostNames.ts: an exact name wins; among several, the first DNS search domain's).
 * @example
 *   await resolveTargets(client, ['web', 'local'], { masters, env })
 *   // → { hosts: ['web1.example.com', 'laptop'], failures: Map {}, known: [...] }
 */
export async function resolveTargets(client: HeliosClient, names: string[], context: { masters: string[]; env: NodeJS.ProcessEnv }): Promise<Targets> {
  const [known, domains] = await Promise.all([client.hosts.list(), searchDomains(context.env)]);
  const failures = new Map<string, HeliosError>();
  const hosts = names.map((name) => {
    if (name === LOCAL) return localHostOf(known, context.masters) ?? LOCAL;
    const r = resolveHostName(name, known, domains);
    if ('host' in r) return r.host;
    failures.set(name, r.error);
    return name;
  });
  return { hosts: [...new Set(hosts)], failures, known };
}
