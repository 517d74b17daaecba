/**
 * Host names as Helios' CLI takes and shows them: a name the user types may be a unique prefix of a
 * registered host (Helios' HostResolver), and tables show names relative to the DNS search domains
 * (Helios' Output.shortHostname) unless -f. Pure functions; the search list comes from
 * `searchDomains.ts`.
 */
import { HeliosError } from '../core/errors/HeliosError.js';

/** What a typed name resolved to: a host to act on, or why it cannot be one. */
export type Resolved = { host: string } | { error: HeliosError };

/**
 * Resolves `name` among the registered `hosts`, as Helios' HostResolver: a registered name is itself;
 * else the hosts it is a prefix of: one is it; of several, the ones in the earliest search domain
 * (`host1` with search `bar.com foo.com` is host1.bar.com); still several is AMBIGUOUS_HOST, listing
 * them (Helios sends the name as typed and fails later with HOST_NOT_FOUND). A name that is no
 * host's prefix stays as typed, so that the master answers HOST_NOT_FOUND.
 * @example resolveHostName('web', ['web1.example.com', 'db1.example.com'], []) // → { host: 'web1.example.com' }
 */
export function resolveHostName(name: string, hosts: readonly string[], searchDomains: readonly string[]): Resolved {
  if (hosts.includes(name)) return { host: name };
  const matches = hosts.filter((host) => host.startsWith(name));
  if (matches.length === 0) return { host: name };
  if (matches.length === 1) return { host: matches[0] };
  const best = Math.min(...matches.map((host) => domainRank(host, searchDomains)));
  const closest = matches.filter((host) => domainRank(host, searchDomains) === best);
  if (closest.length === 1) return { host: closest[0] };
  const sorted = [...closest].sort();
  return {
    error: new HeliosError('AMBIGUOUS_HOST', `host prefix ${name} matches ${sorted.length} hosts: ${sorted.join(', ')}; give more of the name`,
      { host: name, matches: sorted }),
  };
}

/** The index of the first search domain `host` is in, or Infinity when in none. */
function domainRank(host: string, searchDomains: readonly string[]): number {
  const i = searchDomains.findIndex((domain) => inDomain(host, domain));
  return i < 0 ? Infinity : i;
}

const inDomain = (host: string, domain: string) => host.endsWith(`.${domain}`);

/**
 * `host` as tables show it without -f: relative to the first search domain it is in
 * (`web1.example.com` → `web1` with search `example.com`), else as registered. Helios prints the
 * latter with a trailing dot (`host1.`, dnsjava's absolute form), which names no host when pasted
 * back; we leave it out.
 * @example shortHostName('web1.prod.example.com', ['example.com']) // → 'web1.prod'
 */
export function shortHostName(host: string, searchDomains: readonly string[]): string {
  const domain = searchDomains.find((d) => inDomain(host, d));
  return domain === undefined ? host : host.slice(0, host.length - domain.length - 1);
}
