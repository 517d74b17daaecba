import { hostname } from 'node:os';

/** The host name job files and the CLI take for this machine's agent. */
export const LOCAL = 'local';

/**
 * This machine's agent among `known` hosts: `local` in a list of hosts means it, as in job files
 * (`helios solo` runs its syncer with `--host-alias local=<its agent>`): the registered host named
 * like this machine, or, on a master at a loopback address that has only one host, that host (a solo
 * given `--name`). A host really registered as `local` is itself. Undefined when none fits: `local`
 * then stays, and the master's HOST_NOT_FOUND is explained by `explainUnknownHosts`.
 * @example localHostOf(['laptop', 'db-1'], ['http://127.0.0.1:5801'])   // → 'laptop' on a machine named laptop
 */
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
