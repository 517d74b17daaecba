/**
 * Lets through at most one log line per key (a client address) per interval, and at most
 * `maxPerInterval` in all, counting the lines left out so the next line of that key can say how many.
 * A flood from one address then costs one line a second, and one from many addresses
 * `maxPerInterval` lines a second. Memory stays bounded: past `maxKeys` keys, those whose interval has
 * ended are forgotten (or all of them, when a single interval saw that many), and their counts go to
 * the next line let through.
 */
export interface LogThrottleOptions {
  intervalMs?: number;
  maxPerInterval?: number;
  maxKeys?: number;
  /** ms, monotonic; `performance.now` by default. */
  clock?: () => number;
}

export interface LogThrottle {
  /** Null: leave this line out. Else how many lines were left out since this key's last one. */
  take(key: string): { suppressed: number } | null;
}

export function createLogThrottle({ intervalMs = 1000, maxPerInterval = 20, maxKeys = 10_000, clock = () => performance.now() }: LogThrottleOptions = {}): LogThrottle {
  const keys = new Map<string, { at: number; suppressed: number }>();
  let intervalStart = -Infinity;
  let linesInInterval = 0;
  let forgotten = 0;

  function forget(now: number): void {
    for (const [key, entry] of keys) {
      if (now - entry.at < intervalMs) continue;
      forgotten += entry.suppressed;
      keys.delete(key);
    }
    if (keys.size < maxKeys) return;
    for (const entry of keys.values()) forgotten += entry.suppressed;
    keys.clear();
  }

  return {
    take(key) {
      const now = clock();
      if (now - intervalStart >= intervalMs) {
        intervalStart = now;
        linesInInterval = 0;
      }
      const entry = keys.get(key);
      if ((entry && now - entry.at < intervalMs) || linesInInterval >= maxPerInterval) {
        if (entry) entry.suppressed += 1;
        else {
          if (keys.size >= maxKeys) forget(now);
          keys.set(key, { at: -Infinity, suppressed: 1 });
        }
        return null;
      }
      linesInInterval += 1;
      const suppressed = (entry?.suppressed ?? 0) + forgotten;
      forgotten = 0;
      if (!entry && keys.size >= maxKeys) forget(now);
      keys.set(key, { at: now, suppressed: 0 });
      return { suppressed };
    },
  };
}
