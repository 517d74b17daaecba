/**
 * A reactor runs one function, `run`, in reaction to signals.
 * Invariants:
 *  - at most one pass runs at a time; signals arriving during a pass collapse into one more pass;
 *  - a pass runs at least every `resyncMs` even with no signal (so drift is repaired);
 *  - after a failed pass the next one comes within `retryMs` (of that failure);
 *  - `stop()` waits for the running pass and runs no more.
 * Triggers (timer, file watch, webhook) only call `signal()`; they never do the work themselves.
 * @example
 *   const reactor = createReactor({ resyncMs: 30_000, run: syncOnce });
 *   webhook.on('push', () => reactor.signal());
 */
export interface Reactor<T> {
  /** Asks for a pass soon; cheap and safe to call from any event. */
  signal(): void;
  /** Resolves with the result of the next pass that starts after this call. */
  next(): Promise<T>;
  stop(): Promise<void>;
}

export interface ReactorOptions<T> {
  resyncMs: number;
  /** Delay after a failed pass; a function picks it by the failure (one that needs a person waits longer). */
  retryMs?: number | ((err: unknown) => number);
  run: () => Promise<T>;
  /** Called with a pass's failure; the reactor itself never throws. */
  onError?: (err: unknown) => void;
}

export function createReactor<T>(options: ReactorOptions<T>): Reactor<T> {
  const retryMs = (err: unknown) => {
    const ms = typeof options.retryMs === 'function' ? options.retryMs(err) : options.retryMs ?? 5_000;
    return Math.min(ms, options.resyncMs);
  };
  let pending = true;
  let stopped = false;
  let current: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let waiters: { resolve: (v: T) => void; reject: (e: unknown) => void }[] = [];

  const schedule = (ms: number) => {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(() => reactor.signal(), ms);
  };

  const loop = async () => {
    while (pending && !stopped) {
      pending = false;
      const mine = waiters;
      waiters = [];
      try {
        const result = await options.run();
        schedule(options.resyncMs);
        for (const w of mine) w.resolve(result);
      } catch (err) {
        options.onError?.(err);
        schedule(retryMs(err));
        for (const w of mine) w.reject(err);
      }
    }
    current = undefined;
  };

  const reactor: Reactor<T> = {
    signal() {
      if (stopped) return;
      pending = true;
      current ??= loop();
    },
    next() {
      return new Promise<T>((resolve, reject) => {
        if (stopped) return reject(new Error('reactor stopped'));
        waiters.push({ resolve, reject });
        reactor.signal();
      });
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
      for (const w of waiters) w.reject(new Error('reactor stopped'));
      waiters = [];
    },
  };
  queueMicrotask(() => reactor.signal());
  return reactor;
}
