import type { DockerEvent, ObservedContainer } from '../docker/dockerAdapter.js';

/**
 * This agent's containers as the last listing showed them, kept up to date by Docker's event stream,
 * so that a pass caused by a new desired set needs no listing (a deploy goes straight to `create`).
 * The view is only trusted while nothing can have been missed: it is `current` after a listing and
 * until the event stream fails or reconnects (`invalidate`); the agent lists again then, and on every
 * periodic resync. Events that arrive while a listing is under way are replayed over its result, which
 * may predate them.
 *
 *   invalidate() ──► stale ── beginListing() ──► listing ── replace(list) ──► current
 *                      ▲                           │ abortListing()             │ invalidate()
 *                      └───────────────────────────┴────────────────────────────┘
 */
export interface ContainerView {
  /** True when the view may stand in for a listing. */
  readonly current: boolean;
  containers(): ObservedContainer[];
  /** A listing is about to be taken: events from now on are also kept, to replay over its result. */
  beginListing(): void;
  /** The listing's result replaces the view; then the events received during the listing are replayed. */
  replace(list: ObservedContainer[]): void;
  /** The listing failed: the view stays stale. */
  abortListing(): void;
  apply(event: DockerEvent): void;
  /** Events may have been missed (the stream failed or reconnected): the next pass lists. */
  invalidate(): void;
}

/** A container first seen in an event (its create, or a start whose create was missed). */
const observed = (e: DockerEvent, jobId: string, running: boolean): ObservedContainer => ({
  id: e.containerId, name: e.name, jobId, running, created: e.time,
  ...(e.stopTimeoutS === undefined ? {} : { stopTimeoutS: e.stopTimeoutS }),
});

export function createContainerView(): ContainerView {
  let view = new Map<string, ObservedContainer>();
  let stale = true;
  let duringListing: DockerEvent[] | null = null;

  function update(e: DockerEvent): void {
    const known = view.get(e.containerId);
    switch (e.action) {
      case 'create':
        if (!known && e.jobId) view.set(e.containerId, observed(e, e.jobId, false));
        return;
      case 'start':
      case 'unpause':
        if (known) view.set(e.containerId, { ...known, running: true });
        else if (e.jobId) view.set(e.containerId, observed(e, e.jobId, true));
        return;
      case 'die':
      case 'pause':
        if (known) view.set(e.containerId, { ...known, running: false });
        return;
      case 'destroy':
        view.delete(e.containerId);
        return;
      default:
        // kill, stop, oom, exec_*, health_status, rename, …: `die` (or nothing) says what changed.
    }
  }

  return {
    get current() { return !stale && duringListing === null; },
    containers: () => [...view.values()],
    beginListing() {
      stale = false;
      duringListing = [];
    },
    replace(list) {
      view = new Map(list.map((c) => [c.id, c]));
      for (const e of duringListing ?? []) update(e);
      duringListing = null;
    },
    abortListing() {
      stale = true;
      duringListing = null;
    },
    apply(event) {
      duringListing?.push(event);
      update(event);
    },
    invalidate() {
      stale = true;
    },
  };
}
