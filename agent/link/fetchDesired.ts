import type { DesiredTasks, HeliosClient } from '../../core/index.js';

/**
 * Tasks per page asked of the master. A page also ends at the master's --max-page-bytes, so
 * this only keeps an answer of small jobs from being one huge array.
 */
export const TASKS_PAGE_LIMIT = 1000;

export interface FetchDesiredOptions {
  agentId: string;
  clusterId: string | null;
  signal: AbortSignal;
}

/**
 * A host's whole desired set, read in pages: the first waits (the blocking query), the others follow
 * its `next` at once. The pages of one set all carry the set's index; a page with another one means
 * the set changed between two pages, and the reading starts again from the first page (at once:
 * that index is already newer than `index`). A master without paging answers one page with no `next`.
 * @example
 *   const desired = await fetchDesired(client, 'agent-1', lastIndex, 30_000, { agentId, clusterId, signal });
 */
export async function fetchDesired(client: HeliosClient, host: string, index: number, waitMs: number,
  o: FetchDesiredOptions): Promise<DesiredTasks> {
  const call = { agentId: o.agentId, clusterId: o.clusterId, signal: o.signal, limit: TASKS_PAGE_LIMIT };
  let first = await client.agents.tasks(host, index, waitMs, call);
  const tasks = [...first.tasks];
  let next = first.next;
  while (next !== undefined) {
    const page = await client.agents.tasks(host, first.index, 0, { ...call, after: next });
    if (page.index !== first.index || page.clusterId !== first.clusterId) {
      first = await client.agents.tasks(host, index, 0, call);
      tasks.splice(0, tasks.length, ...first.tasks);
      next = first.next;
      continue;
    }
    tasks.push(...page.tasks);
    next = page.next;
  }
  const { next: _last, ...set } = first;
  return { ...set, tasks };
}
