/**
 * Wakes blocking queries when a host's desired state changes. In memory only: the store calls
 * `notify` after a write commits, so an idle cluster costs nothing and a deploy reaches the waiting
 * agent as soon as its transaction is durable.
 */
export function createNotifier() {
  const waiters = new Map<string, Set<() => void>>();
  let closed = false;

  /** Resolves on the next change for `host`, after `timeoutMs`, on abort, or on `releaseAll`. */
  function wait(host: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      let set = waiters.get(host);
      if (!set) waiters.set(host, (set = new Set()));
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        set.delete(done);
        if (set.size === 0 && waiters.get(host) === set) waiters.delete(host);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done, { once: true });
      set.add(done);
      if (signal?.aborted || closed) done();
    });
  }

  function notify(hosts: Iterable<string>): void {
    for (const host of hosts) for (const done of [...(waiters.get(host) ?? [])]) done();
  }

  /** Ends every wait now, as a change of every host would: each blocking query reads its index again. */
  function wakeAll(): void {
    for (const set of [...waiters.values()]) for (const done of [...set]) done();
  }

  /** Ends every wait now and every later one at once (shutdown). */
  function releaseAll(): void {
    closed = true;
    wakeAll();
  }

  const waiting = () => [...waiters.values()].reduce((n, set) => n + set.size, 0);

  return { wait, notify, wakeAll, releaseAll, waiting, get closed() { return closed; } };
}
export type Notifier = ReturnType<typeof createNotifier>;
