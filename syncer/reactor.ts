/**
 * A reactor runs one function, `run`, in reaction to signals.
 * Invariants:
 *  - at most one pass runs at a time; signals arriving during a pass collapse into one more pass;
 *  - a pass runs at least every `resyncMs` even with no signal (so drift is repaired);
 *  - after a failed pass the next one comes within `retryMs` (of that failure, never past resyncMs);
 *  - a pass that outlives `passTimeoutMs` is aborted (its signal) and counts as failed at that moment,
 *    so nothing it waits for (a git server that never answers) can stop later passes; its late
 *    outcome is ignored, and the pass must not change anything once its signal is aborted;
 *  - `stop()` aborts the running pass, waits for it (at most `stopGraceMs`), and runs no more.
 * Triggers (timer, file watch, webhook) only call `signal()`; they never do the work themselves.
 * @example
 *   const reactor = createReactor({ resyncMs: 30_000, passTimeoutMs: 300_000, run: syncOnce });
 *   webhook.on('push', () => reactor.signal());
 */
export interface Reactor<T> {
  /** Asks for a pass soon; cheap and safe to call from any event. */
  signal(): void;
  /** Resolves with the result of the next pass that starts after this call. */
  next(): Promise<T>;
  /** When the running pass started (ms since the epoch), or undefined between passes. */
  readonly runningSince: number | undefined;
  stop(): Promise<void>;
}

export interface ReactorOptions<T> {
  resyncMs: number;
  /**
   * Delay after a failed pass, by the failure and how many passes in a row have failed (1 for the
   * first): backoff for a flaky server, a long wait for a failure only a person fixes.
   */
  retryMs?: number | ((err: unknown, failures: number) => number);
  /** A pass's deadline (default: none). */
  passTimeoutMs?: number;
  run: (signal: AbortSignal) => Promise<T>;
  /** Called with a pass's failure; the reactor itself never throws. */
  onError?: (err: unknown) => void;
  /** How long `stop()` waits for a pass that ignores its aborted signal (default 10 s). */
  stopGraceMs?: number;
}

/** A pass that did not finish by its deadline. */
export class PassTimeoutError extends Error {
  readonly code = 'PASS_TIMEOUT' as const;
  override name = 'PassTimeoutError';
}

export function createReactor<T>(options: ReactorOptions<T>): Reactor<T> {
  const retryMs = (err: unknown, failures: number) => {
    const ms = typeof options.retryMs === 'function' ? options.retryMs(err, failures) : options.retryMs ?? 5_000;
    return Math.min(ms, options.resyncMs);
  };
  let pending = true;
  let stopped = false;
  let failures = 0;
  let current: Promise<void> | undefined;
  let running: { since: number; abort: AbortController } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let waiters: { resolve: (v: T) => void; reject: (e: unknown) => void }[] = [];

  const schedule = (ms: number) => {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(() => reactor.signal(), ms);
  };

  /** The pass, or its deadline's PassTimeoutError if that comes first (the pass is aborted then). */
  const runOnce = (): Promise<T> => {
    const abort = new AbortController();
    const pass = Promise.resolve().then(() => options.run(abort.signal));
    running = { since: Date.now(), abort };
    if (options.passTimeoutMs === undefined) return pass;
    const ms = options.passTimeoutMs;
    let deadline: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      deadline = setTimeout(() => {
        const err = new PassTimeoutError(`the sync pass did not finish within ${formatMs(ms)} (--pass-timeout)`);
        abort.abort(err);
        reject(err);
      }, ms);
    });
    return Promise.race([pass, late]).finally(() => clearTimeout(deadline));
  };

  const loop = async () => {
    while (pending && !stopped) {
      pending = false;
      const mine = waiters;
      waiters = [];
      try {
        const result = await runOnce();
        failures = 0;
        schedule(options.resyncMs);
        for (const w of mine) w.resolve(result);
      } catch (err) {
        failures++;
        options.onError?.(err);
        schedule(retryMs(err, failures));
        for (const w of mine) w.reject(err);
      } finally {
        running = undefined;
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
    get runningSince() {
      return running?.since;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      running?.abort.abort(new Error('reactor stopped'));
      // A pass that ignores its signal is not waited for past the grace: stopping must not hang.
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([current, new Promise((resolve) => { grace = setTimeout(resolve, options.stopGraceMs ?? 10_000); })]);
      clearTimeout(grace);
      for (const w of waiters) w.reject(new Error('reactor stopped'));
      waiters = [];
    },
  };
  queueMicrotask(() => reactor.signal());
  return reactor;
}

/** `300 ms`, `30 s`, `5 min`: how a limit reads in a message. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 100) / 10} s`;
  return `${Math.round(ms / 6000) / 10} min`;
}
