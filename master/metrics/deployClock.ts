/** Tasks waiting for RUNNING tracked at once; past it the oldest is forgotten (a task that never ran). */
const MAX_PENDING = 100_000;

/**
 * When each task was asked to start, until its agent reports it RUNNING: the deploy → RUNNING latency.
 * In this master's memory: a task started through another master (or before a restart) is not timed.
 */
export function createDeployClock(now = () => performance.now()) {
  const started = new Map<string, number>();
  const key = (host: string, jobId: string) => `${host}\n${jobId}`;
  return {
    start(host: string, jobId: string): void {
      const k = key(host, jobId);
      started.delete(k); // re-inserted last: the Map's order stays oldest first
      if (started.size >= MAX_PENDING) started.delete(started.keys().next().value as string);
      started.set(k, now());
    },
    /** Seconds since the task was asked to start, once; undefined when it was not. */
    stop(host: string, jobId: string): number | undefined {
      const k = key(host, jobId);
      const at = started.get(k);
      if (at === undefined) return undefined;
      started.delete(k);
      return (now() - at) / 1000;
    },
    pending: () => started.size,
  };
}
