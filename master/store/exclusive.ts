import { AsyncLocalStorage } from 'node:async_hooks';

/** A query on the store's own handle was made inside a transaction: a bug of the caller's. */
export class OutsideTransactionError extends Error {
  override name = 'OutsideTransactionError';
  constructor() {
    super('a query on the store was made inside one of its transactions: use the transaction\'s queries (tx.jobs, …)');
  }
}

/** Which transaction the running code is inside, if any. */
const inTransaction = new AsyncLocalStorage<true>();

/** Runs `fn` as a transaction's body: the store's own queries refuse to run within it. */
export const asTransaction = <T>(fn: () => Promise<T>): Promise<T> => inTransaction.run(true, fn);

/** Throws OutsideTransactionError inside a transaction's body. */
export function refuseInTransaction(): void {
  if (inTransaction.getStore()) throw new OutsideTransactionError();
}

/**
 * One holder at a time, in arrival order: SQLite's one connection, on which a transaction's body
 * (awaiting its queries, each answered at once) must not meet another's statements. A query made
 * while no one holds it runs at once, synchronously.
 */
export function createExclusive() {
  const queue: Array<() => void> = [];
  let held = false;
  const acquire = (): Promise<void> => {
    if (!held) {
      held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => queue.push(resolve));
  };
  const release = () => {
    const next = queue.shift();
    if (next) next();
    else held = false;
  };
  return {
    /** Runs `fn` (a transaction) once it holds the connection. */
    async hold<T>(fn: () => Promise<T>): Promise<T> {
      refuseInTransaction(); // a transaction inside another would wait for itself
      await acquire();
      try {
        return await fn();
      } finally {
        release();
      }
    },
    /** Runs one synchronous query: now when the connection is free, else after its holder. */
    run<T>(fn: () => T): Promise<T> {
      try {
        refuseInTransaction();
        if (!held) return Promise.resolve(fn());
      } catch (err) {
        return Promise.reject(err);
      }
      return this.hold(async () => fn());
    },
  };
}
