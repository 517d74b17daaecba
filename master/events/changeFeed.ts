import type { Store } from '../store/store.js';
import type { ChangeEvent, ChangeTopic } from '../../core/index.js';

/** A change is sent at most this long after it committed: changes within it go in one event. */
export const COALESCE_MS = 25;
/** Heartbeats change only hosts' last-seen times (and so UP/DOWN): one event of them per this long. */
export const HEARTBEAT_EVERY_MS = 5_000;

/**
 * Which parts of the cluster a successful write route changed, by its route key. A write route not
 * listed is `other`: a page reloads what it shows (a new route is never silently missed).
 */
const ROUTE_TOPICS: Readonly<Record<string, readonly ChangeTopic[]>> = {
  'POST /jobs': ['jobs'],
  'DELETE /jobs/:id': ['jobs', 'deployments', 'statuses'],
  'PUT /hosts/:host': ['hosts'],
  'DELETE /hosts/:host': ['hosts', 'deployments', 'statuses'],
  'PUT /hosts/:host/jobs/:jobId': ['deployments'],
  'PATCH /hosts/:host/jobs/:jobId': ['deployments'],
  'DELETE /hosts/:host/jobs/:jobId': ['deployments'],
  'POST /agents/:host/heartbeat': ['heartbeats'],
  'POST /agents/:host/statuses': ['statuses'],
  'PUT /sync/sources/:name': ['sync', 'jobs', 'deployments'],
  'PUT /sync/sources/:name/registration': ['sync'],
  'DELETE /sync/sources/:name': ['sync'],
};
/** Reads and requests that change nothing a page shows. */
const UNSEEN = new Set(['PUT /registry/accounts/:name', 'DELETE /registry/accounts/:ref']);

export const topicsOfRoute = (routeKey: string): readonly ChangeTopic[] => (UNSEEN.has(routeKey) ? [] : ROUTE_TOPICS[routeKey] ?? ['other']);

/**
 * What the dashboard's event stream (GET /events) follows: the master's index and which parts of the
 * cluster changed. It hears the same commit notifications as blocking queries (the store's
 * onHostsChanged: this master's writes and, on PostgreSQL, every other master's) and this master's
 * successful write routes (`changed`). Changes are coalesced: one event per COALESCE_MS at most, with
 * the index read once for every subscriber, so a burst of agent reports costs one read.
 */
export function createChangeFeed(store: Pick<Store, 'index' | 'onHostsChanged'>) {
  const subscribers = new Set<(event: ChangeEvent) => void>();
  const pending = new Set<ChangeTopic>();
  let timer: NodeJS.Timeout | undefined;
  let lastHeartbeatEvent = 0;
  let closed = false;

  const flush = async () => {
    timer = undefined;
    const topics = [...pending];
    pending.clear();
    if (topics.length === 0 || subscribers.size === 0) return;
    const event: ChangeEvent = { index: await store.index().catch(() => 0), topics };
    for (const send of [...subscribers]) send(event);
  };

  function changed(topics: Iterable<ChangeTopic>): void {
    if (closed) return;
    for (const topic of topics) {
      if (topic === 'heartbeats') {
        const now = Date.now();
        if (now - lastHeartbeatEvent < HEARTBEAT_EVERY_MS) continue;
        lastHeartbeatEvent = now;
      }
      pending.add(topic);
    }
    if (pending.size > 0 && subscribers.size > 0) timer ??= setTimeout(() => void flush(), COALESCE_MS);
  }

  const stopHearing = store.onHostsChanged(() => changed(['deployments']));

  return {
    changed,
    /** Calls `send` with every coalesced change from now on; returns the unsubscribe. */
    subscribe(send: (event: ChangeEvent) => void): () => void {
      subscribers.add(send);
      return () => { subscribers.delete(send); };
    },
    subscribers: () => subscribers.size,
    /** Stops hearing, and ends every stream (`onClose` of each). */
    close(): void {
      closed = true;
      stopHearing();
      clearTimeout(timer);
      subscribers.clear();
    },
  };
}
export type ChangeFeed = ReturnType<typeof createChangeFeed>;
