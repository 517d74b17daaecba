import type pg from 'pg';

/** Where a query runs: the pool (each query alone) or a transaction's client. */
export interface PgHandle {
  rows<R>(text: string, values?: unknown[]): Promise<R[]>;
  /** How many rows the statement changed. */
  changes(text: string, values?: unknown[]): Promise<number>;
}

// Each distinct text is a named statement, prepared once per connection by pg.
const names = new Map<string, string>();
const nameOf = (text: string) => names.get(text) ?? names.set(text, `helios_${names.size}`).get(text)!;

export function pgHandle(db: pg.Pool | pg.PoolClient): PgHandle {
  const run = (text: string, values: unknown[] = []) => db.query({ name: nameOf(text), text, values });
  return {
    rows: async <R>(text: string, values?: unknown[]) => (await run(text, values)).rows as R[],
    changes: async (text, values) => (await run(text, values)).rowCount ?? 0,
  };
}
