import type Database from 'better-sqlite3';
import { dirname } from 'node:path';
import { openDb } from './openDb.js';
import { lockDatabase } from './dbLock.js';
import { createPrivateDir } from './privateFiles.js';
import { sqliteStoreError } from './sqliteErrors.js';
import { createDurableCommits, type DurableCommits } from './durableCommits.js';
import { createJobsStore } from './jobs.js';
import { createHostsStore } from './hosts.js';
import { createDeploymentsStore } from './deployments.js';
import { createStatusesStore } from './statuses.js';
import { createSyncSourcesStore } from './syncSources.js';
import { createAuditStore } from './audit.js';
import { createRegistryAccountsStore } from './registryAccounts.js';
import { createDeploymentGroupsStore } from './deploymentGroups.js';
import { readClusterId } from './cluster.js';
import { asTransaction, createExclusive } from './exclusive.js';
import type { Queries, Store, StoreOptions, WriteOptions, WriteTx } from './store.js';

/**
 * The master's one SQLite database, locked to this process (dbLock.ts: a second master on the file
 * gets DatabaseInUseError).
 */
export function openSqliteStore(path: string, options: StoreOptions = {}): Store {
  if (path === ':memory:') return createSqliteStore(openDb(path, options));
  createPrivateDir(dirname(path));
  const lock = lockDatabase(path, options.listen);
  let db: Database.Database | undefined;
  try {
    db = openDb(path, options);
    // openDb read the database, so SQLite has opened (or made) its -wal file.
    const durable = createDurableCommits(`${path}-wal`, options.syncMode ?? 'full');
    return createSqliteStore(db, { durable, onClose: () => { durable.close(); lock.release(); } });
  } catch (err) {
    db?.close();
    lock.release();
    throw err;
  }
}

type Methods = Record<string, (...args: never[]) => unknown>;

/** The one master of a SQLite file: the last name it gave, while it keeps beating. */
function ownMaster(): Store['masters'] {
  let me: { name: string; seen: number } | undefined;
  return {
    beat: async (name, _url, now) => { me = { name, seen: now }; },
    leave: async () => { me = undefined; },
    live: async (since) => (me && me.seen >= since ? [me.name] : []),
  };
}

/** Each synchronous query as an async one, through `call` (at once, or after the connection's holder). */
function promised(tables: Record<keyof Queries, Methods>, call: <T>(fn: () => T) => Promise<T>): Queries {
  return Object.fromEntries(Object.entries(tables).map(([table, methods]) => [table, Object.fromEntries(Object.entries(methods)
    .map(([name, method]) => [name, (...args: never[]) => call(() => method(...args))]))])) as unknown as Queries;
}

/**
 * better-sqlite3 answers every query synchronously on one connection; transactions are BEGIN and
 * COMMIT around an async body whose queries are each answered at once. The connection has one
 * holder at a time (exclusive.ts), so no other request's statement runs inside a transaction, nor
 * sees what it has not committed.
 */
export function createSqliteStore(db: Database.Database, options: { durable?: DurableCommits; onClose?: () => void } = {}): Store {
  const bump = db.prepare<[], { value: number }>("UPDATE meta SET value = value + 1 WHERE key = 'index' RETURNING value");
  const current = db.prepare<[], { value: number }>("SELECT value FROM meta WHERE key = 'index'");
  const listeners = new Set<(hosts: string[], index: number) => void>();
  const commitListeners = new Set<(index: number, durable: boolean) => void>();
  const hosts = createHostsStore(db);
  const tables = {
    jobs: createJobsStore(db),
    hosts,
    deployments: createDeploymentsStore(db),
    statuses: createStatusesStore(db),
    syncSources: createSyncSourcesStore(db),
    audit: createAuditStore(db),
    registryAccounts: createRegistryAccountsStore(db),
    deploymentGroups: createDeploymentGroupsStore(db),
  };
  const connection = createExclusive();
  const direct = promised(tables, <T>(fn: () => T) => new Promise<T>((resolve) => resolve(fn())));
  const alone = promised(tables, connection.run.bind(connection));

  /** `fn` between `begin` and COMMIT (ROLLBACK when it throws), holding the connection. */
  const transaction = <T>(begin: string, fn: () => Promise<T>): Promise<T> => connection.hold(() => asTransaction(async () => {
    db.exec(begin);
    try {
      const value = await fn();
      db.exec('COMMIT');
      return value;
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw err;
    }
  }));

  async function write<T>(fn: (tx: WriteTx) => Promise<T>, writeOptions: WriteOptions = {}): Promise<T> {
    const touched = new Set<string>();
    let index = 0;
    const result = await transaction('BEGIN IMMEDIATE', async () => {
      index = bump.get()!.value;
      const value = await fn({ ...direct, index, touchHost: (host) => { touched.add(host); } });
      for (const host of touched) hosts.setDesiredIndex(host, index);
      return value;
    });
    if (writeOptions.durable !== false) options.durable?.committed();
    if (touched.size > 0) for (const listener of listeners) listener([...touched], index);
    for (const listener of commitListeners) listener(index, writeOptions.durable !== false);
    return result;
  }

  return {
    ...alone,
    clusterId: readClusterId(db),
    write,
    read: <T>(fn: (q: Queries) => Promise<T>): Promise<T> => transaction('BEGIN DEFERRED', () => fn(direct)),
    index: () => connection.run(() => current.get()!.value),
    readable: () => connection.run(() => {
      try {
        return current.get() !== undefined;
      } catch {
        return false;
      }
    }),
    onHostsChanged: (listener) => { listeners.add(listener); return () => listeners.delete(listener); },
    onCommit: (listener) => { commitListeners.add(listener); return () => commitListeners.delete(listener); },
    holdsLease: async () => true, // the lock file (dbLock.ts) already makes this the only master
    masters: ownMaster(),
    flushed: () => options.durable?.flushed(),
    storeError: sqliteStoreError,
    close: async () => {
      await connection.hold(async () => db.close());
      options.onClose?.();
    },
  };
}
