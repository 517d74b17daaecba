import type Database from 'better-sqlite3';
import { dirname } from 'node:path';
import { openDb } from './openDb.js';
import { lockDatabase } from './dbLock.js';
import { createPrivateDir } from './privateFiles.js';
import { sqliteStoreError } from './sqliteErrors.js';
import { createDurableCommits, type DurableCommits, type SyncMode } from './durableCommits.js';
import { createJobsStore } from './jobs.js';
import { createHostsStore } from './hosts.js';
import { createDeploymentsStore } from './deployments.js';
import { createStatusesStore } from './statuses.js';
import { createSyncSourcesStore } from './syncSources.js';
import { createAuditStore } from './audit.js';
import { readClusterId } from './cluster.js';

/** What a write transaction sees: the new global index to stamp rows with, and a way to say that a
 *  host's desired state changed (its `desired_index` is set and its blocking queries wake on commit). */
export interface WriteTx {
  readonly index: number;
  touchHost(host: string): void;
}

export interface WriteOptions {
  /**
   * false: the write's answer does not wait for the disk, and a power loss may undo it (a kill -9
   * never does): a heartbeat, of which another comes within seconds. See durableCommits.ts.
   */
  durable?: boolean;
}

export interface StoreOptions {
  /** When commits are fsynced (--sync-mode, default full). */
  syncMode?: SyncMode;
  /** How long a statement waits for another process's lock on the file (--db-busy-timeout, default 100 ms). */
  busyTimeoutMs?: number;
  /** The --http address, recorded in the lock for a second master to name. */
  listen?: string;
}

/**
 * The master's one SQLite database, locked to this process (dbLock.ts: a second master on the file
 * gets DatabaseInUseError). Every write goes through `write()`: one transaction that bumps the global
 * index; after it commits, `onHostsChanged` hears which hosts' desired state changed.
 * @example
 *   const store = openStore('/tmp/master.db');
 *   store.write((tx) => store.deployments.setGoal('h1', id, 'STOP', tx.index) && tx.touchHost('h1'));
 */
export function openStore(path: string, options: StoreOptions = {}): Store {
  if (path === ':memory:') return createStore(openDb(path, options));
  createPrivateDir(dirname(path));
  const lock = lockDatabase(path, options.listen);
  let db: Database.Database | undefined;
  try {
    db = openDb(path, options);
    // openDb read the database, so SQLite has opened (or made) its -wal file.
    const durable = createDurableCommits(`${path}-wal`, options.syncMode ?? 'full');
    return createStore(db, { durable, onClose: () => { durable.close(); lock.release(); } });
  } catch (err) {
    db?.close();
    lock.release();
    throw err;
  }
}

export function createStore(db: Database.Database, options: { durable?: DurableCommits; onClose?: () => void } = {}) {
  const bump = db.prepare<[], { value: number }>("UPDATE meta SET value = value + 1 WHERE key = 'index' RETURNING value");
  const current = db.prepare<[], { value: number }>("SELECT value FROM meta WHERE key = 'index'");
  const listeners = new Set<(hosts: string[], index: number) => void>();
  const hosts = createHostsStore(db);

  function write<T>(fn: (tx: WriteTx) => T, writeOptions: WriteOptions = {}): T {
    const touched = new Set<string>();
    let index = 0;
    const result = db.transaction(() => {
      index = bump.get()!.value;
      const value = fn({ index, touchHost: (host) => { touched.add(host); } });
      for (const host of touched) hosts.setDesiredIndex(host, index);
      return value;
    }).immediate();
    if (writeOptions.durable !== false) options.durable?.committed();
    if (touched.size > 0) for (const listener of listeners) listener([...touched], index);
    return result;
  }

  return {
    jobs: createJobsStore(db),
    hosts,
    deployments: createDeploymentsStore(db),
    statuses: createStatusesStore(db),
    syncSources: createSyncSourcesStore(db),
    audit: createAuditStore(db),
    /** This database's cluster id (a UUID made with it, never changed); see cluster.ts. */
    clusterId: readClusterId(db),
    write,
    /** Reads run in one transaction so they see one consistent snapshot. */
    read: <T>(fn: () => T): T => db.transaction(fn).deferred(),
    index: () => current.get()!.value,
    /** Whether the database answers a read (GET /healthz). */
    readable: (): boolean => {
      try {
        return current.get() !== undefined;
      } catch {
        return false;
      }
    },
    onHostsChanged: (listener: (hosts: string[], index: number) => void) => { listeners.add(listener); return () => listeners.delete(listener); },
    /**
     * Resolves once every durable write so far is on disk (--sync-mode full); undefined when none
     * waits. The app holds each write's answer on it.
     */
    flushed: (): Promise<void> | undefined => options.durable?.flushed(),
    /** What a failure of this database means to a client (DISK_FULL, DATABASE_BUSY, …), or undefined. */
    storeError: sqliteStoreError,
    close: (): void => {
      db.close();
      options.onClose?.();
    },
  };
}
export type Store = ReturnType<typeof createStore>;
