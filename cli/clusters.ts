import { HeliosError } from '../core/errors/HeliosError.js';
import type { GlobalOptions } from './command.js';
import { DEFAULT_MASTER } from './argv.js';
import { readCliConfig } from './cliConfig.js';

/**
 * One cluster a command runs on (Helios' Target): its masters given, or found by an SRV lookup of a
 * domain when it runs. Several masters of one cluster are tried in order (fail-over); several
 * clusters each get the whole command (Helios' ControlCommand).
 */
export type Cluster =
  | { name: string; masters: string[] }
  | { name: string; srv: { name: string; domain: string } };

/**
 * The clusters of a command line, in Helios' order of precedence (CliParser.computeTargets):
 * -z URLs, else -d domains, else HELIOS_MASTER, else ~/.helios/config's masterEndpoints, else its
 * domains (cliConfig.ts). Where Helios differs: every -z (and every masterEndpoints entry) names a
 * master of **one** cluster, tried in order until one answers, where Helios runs the command once
 * per -z; and with none of these ours talks to the local master, where Helios fails.
 * @example clustersOf({ masters: [], domains: ['a.example,b.example'] }, {})
 *   // → [{ name: 'a.example', srv: { name: 'helios', domain: 'a.example' } }, { name: 'b.example', srv: … }]
 */
export function clustersOf(target: GlobalOptions['target'], env: NodeJS.ProcessEnv): Cluster[] {
  if (target.masters.length > 0) return [{ name: target.masters.join(', '), masters: target.masters }];
  const config = readCliConfig(env);
  const srvName = target.srvName ?? config.srvName;
  const domains = splitDomains(target.domains.length > 0 ? target.domains : config.domains);
  if (target.domains.length > 0 && domains.length === 0) throw new HeliosError('INVALID_ARGUMENT', '-d/--domains names no domain (e.g. -d example.com,other.example)');
  if (target.domains.length === 0 && config.masterEndpoints.length > 0) {
    return [{ name: config.masterEndpoints.join(', '), masters: config.masterEndpoints }];
  }
  if (domains.length > 0) return domains.map((domain) => ({ name: domain, srv: { name: srvName, domain } }));
  return [{ name: DEFAULT_MASTER, masters: [DEFAULT_MASTER] }];
}

/** `-d a,b -d b,c` is a, b, c: comma-separated, repeatable, each once, none empty (Helios' parseDomains). */
export const splitDomains = (lists: string[]): string[] => [...new Set(lists.flatMap((list) => list.split(',')).map((d) => d.trim()).filter(Boolean))];
