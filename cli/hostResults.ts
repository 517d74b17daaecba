import { HeliosError } from '../core/errors/HeliosError.js';
import type { HeliosClient } from '../core/client/createClient.js';
import { didYouMean } from '../core/model/didYouMean.js';
import { LOCAL, whyNoLocal } from './localHost.js';
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
 * Helios does: one host failing (JOB_ALREADY_DEPLOYED, GIT_OWNED, …) does not stop the others. A
 * host in `failures` (a name that resolved to no single host) fails with that error, unasked.
 */
export async function forEachHost(hosts: string[], action: (host: string) => Promise<unknown>,
  failures: ReadonlyMap<string, HeliosError> = new Map()): Promise<HostResult[]> {
  return Promise.all(hosts.map(async (host): Promise<HostResult> => {
    const failure = failures.get(host);
    if (failure) return { host, status: failure.code, message: failure.message };
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

/** How many known hosts a HOST_NOT_FOUND names; `helios hosts` lists them all. */
const SHOWN_HOSTS = 5;

/**
 * Adds to each HOST_NOT_FOUND what the user needs to fix the name (`unknownHostMessage`), from
 * `registered`, else one GET /hosts, only when a host was not found.
 */
export async function explainUnknownHosts(client: HeliosClient, results: HostResult[], registered?: string[]): Promise<HostResult[]> {
  if (!results.some((r) => r.status === 'HOST_NOT_FOUND')) return results;
  const known = registered ?? await client.hosts.list();
  return results.map((r) => (r.status === 'HOST_NOT_FOUND' ? { ...r, message: unknownHostMessage(r.host, known) } : r));
}

/**
 * Why `host` names no registered host, and what it may have meant: the hosts whose name starts with
 * it (as Helios' deregister lists them), else the likeliest typo fix, and a few known hosts.
 * @example  unknownHostMessage('agnet-1', ['agent-1', 'agent-2'])  // → 'host agnet-1 not found; did you mean agent-1? known hosts: agent-1, agent-2'
 */
export function unknownHostMessage(host: string, registered: string[]): string {
  const known = [...registered].sort();
  const shown = known.length === 0 ? 'no host has registered yet (start helios-agent on it, or npm start here)'
    : `known hosts: ${known.slice(0, SHOWN_HOSTS).join(', ')}${known.length > SHOWN_HOSTS ? `, … (${known.length} in all: helios hosts)` : ''}`;
  if (host === LOCAL) return `${whyNoLocal(known)}; ${shown}`;
  const starting = known.filter((name) => name.startsWith(host));
  const suggestion = didYouMean(host, known);
  const hint = starting.length > 0 ? ` hosts starting with ${host}: ${starting.slice(0, SHOWN_HOSTS).join(', ')};`
    : suggestion ? ` did you mean ${suggestion}?` : '';
  return `host ${host} not found;${hint} ${shown}`;
}

export const exitCodeOf = (results: HostResult[]) => (results.every((r) => r.status === 'OK') ? 0 : 1);
