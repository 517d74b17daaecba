import type { Logger } from 'pino';

export interface Reactor {
  /** Asks for a pass; many signals while a pass runs collapse into one more pass. */
  signal(): void;
  /** Resolves once no pass is running or pending. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The reactor of Helios' `DefaultReactor`: events only signal, one loop does the work, never two
 * passes at once, and a periodic resync catches whatever an event stream missed.
 * @example
 *   const reactor = createReactor({ name: 'agent', resyncMs: 30_000, run: reconcileOnce, log })
 *   docker.onEvent(() => reactor.signal())
 */
export function createReactor(o: { name: string; resyncMs: number; run: (resync: boolean) => Promise<void>; log: Logger }): Reactor {
  let pending = false;
  let resyncDue = false;
  let stopped = false;
  let current: Promise<void> | null = null;

  async function drain(): Promise<void> {
    while (pending && !stopped) {
      pending = false;
      const resync = resyncDue;
      resyncDue = false;
      try {
        await o.run(resync);
      } catch (err) {
        o.log.error({ err, reactor: o.name }, 'reconcile pass failed');
      }
    }
    current = null;
  }

  const signal = () => {
    if (stopped) return;
    pending = true;
    current ??= drain();
  };
  const timer = setInterval(() => { resyncDue = true; signal(); }, o.resyncMs);
  timer.unref();

  return {
    signal,
    async idle() {
      while (current) await current;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await current;
    },
  };
}
