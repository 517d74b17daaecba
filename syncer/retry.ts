/**
 * Backoff with jitter, for a failed pass (the reactor) and a failed git request (remoteRepo). Half of
 * each delay is fixed and half random, so that syncers failing together do not retry together and no
 * retry comes sooner than half its step (AWS's "equal jitter").
 */
export interface Backoff {
  /** The first delay; each next failure doubles it. */
  baseMs: number;
  maxMs: number;
}

/** The delay before the attempt after `failures` failures in a row (1 for the first). */
export function backoffDelay(failures: number, backoff: Backoff, random: () => number = Math.random): number {
  const step = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/**
 * Runs `fn` until it succeeds, it fails with an error `retryable` refuses, `attempts` are used up, or
 * `signal` aborts (the wait between attempts included); the last error is thrown, and `onRetry` is told
 * of each earlier one.
 */
export async function withRetries<T>(fn: () => Promise<T>, o: Backoff & {
  attempts: number;
  retryable: (err: unknown) => boolean;
  signal?: AbortSignal;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      o.signal?.throwIfAborted();
      return await fn();
    } catch (err) {
      if (attempt >= o.attempts || o.signal?.aborted || !o.retryable(err)) throw err;
      const delay = backoffDelay(attempt, o);
      o.onRetry?.(err, attempt, delay);
      await sleep(delay, o.signal);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }
    function aborted() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', aborted, { once: true });
  });
}
