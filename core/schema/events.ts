/**
 * GET /events: the master's change stream, server-sent events (`text/event-stream`). The first event
 * is `hello` with the current index; then one `change` per coalesced burst of writes, naming which
 * parts of the cluster changed, so a page re-reads only what it shows. A reconnecting client re-reads
 * everything (a change may have passed while it was away).
 */
export type ChangeTopic = 'jobs' | 'deployments' | 'statuses' | 'hosts' | 'heartbeats' | 'sync' | 'other';

export interface ChangeEvent {
  /** The global index when the event was sent (the last write's). */
  index: number;
  topics: ChangeTopic[];
}

export interface HelloEvent {
  index: number;
}
