import type Database from 'better-sqlite3';
import { openDb } from './openDb.js';
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

/**
 * The master's one SQLite database. Every write goes through `write()`: one transaction that bumps the
 * global index; after it commits, `onHostsChanged` hears which hosts' desired state changed.
 * @example
 *   const store = openStore('/tmp/master.db');
 *   store.write((tx) => store.deployments.setGoal('h1', id, 'STOP', tx.index) && tx.touchHost('h1'));
 */
export function openStore(path: string): Store {
  return createStore(openDb(path));
}

export function createStore(db: Database.Database) {
  const bump = db.prepare<[], { value: number }>("UPDATE meta SET value = value + 1 WHERE key = 'index' RETURNING value");
  const current = db.prepare<[], { value: number }>("SELECT value FROM meta WHERE key = 'index'");
  const listeners = new Set<(hosts: string[], index: number) => void>();
  const hosts = createHostsStore(db);

  function write<T>(fn: (tx: WriteTx) => T): T {
    const touched = new Set<string>();
    let index = 0;
    const result = db.transaction(() => {
      index = bump.get()!.value;
      const value = fn({ index, touchHost: (host) => { touched.add(host); } });
      for (const host of touched) hosts.setDesiredIndex(host, index);
      return value;
    }).immediate();
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
    close: (): void => { db.close(); },
  };
}
export type Store = ReturnType<typeof createStore>;
