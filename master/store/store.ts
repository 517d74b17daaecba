/**
 * The master's store: one interface (`Store`) over the engines that implement it. Every query
 * returns a Promise, as PostgreSQL's do; SQLite's implementation (sqliteStore.ts) keeps today's
 * synchronous better-sqlite3 code underneath and answers each query at once.
 *
 * Queries go through a handle: the store itself (each query alone), a `read` snapshot, or a `write`
 * transaction. Inside a transaction, only the transaction's handle may be used (exclusive.ts refuses
 * the store's own, which would not see the transaction's writes and, on SQLite, would wait for it).
 */
import type { HeliosError } from '../../core/index.js';
import type { SyncMode } from './durableCommits.js';
import type { createJobsStore } from './jobs.js';
import type { createHostsStore } from './hosts.js';
import type { createDeploymentsStore } from './deployments.js';
import type { createStatusesStore } from './statuses.js';
import type { createSyncSourcesStore } from './syncSources.js';
import type { createAuditStore } from './audit.js';
import type { createRegistryAccountsStore } from './registryAccounts.js';
import type { createDeploymentGroupsStore } from './deploymentGroups.js';
import { openSqliteStore } from './sqliteStore.js';
import { isPostgresUrl, openPostgresStore } from './postgres/postgresStore.js';

/** The same methods, each answering a Promise: what an engine's queries look like through the interface. */
export type Async<T> = { [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : never };

/** The queries of each table; the SQLite modules (jobs.ts, …) define their shape, synchronously. */
export interface Queries {
  jobs: Async<ReturnType<typeof createJobsStore>>;
  hosts: Async<Omit<ReturnType<typeof createHostsStore>, 'setDesiredIndex'>>;
  deployments: Async<ReturnType<typeof createDeploymentsStore>>;
  statuses: Async<ReturnType<typeof createStatusesStore>>;
  syncSources: Async<ReturnType<typeof createSyncSourcesStore>>;
  audit: Async<ReturnType<typeof createAuditStore>>;
  registryAccounts: Async<ReturnType<typeof createRegistryAccountsStore>>;
  deploymentGroups: Async<ReturnType<typeof createDeploymentGroupsStore>>;
}

/** What a write transaction sees: its queries, the new global index to stamp rows with, and a way to
 *  say that a host's desired state changed (its `desired_index` is set and its blocking queries wake on commit). */
export interface WriteTx extends Queries {
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
  /** PostgreSQL: connections of the master's pool (--db-pool, default 10). */
  poolSize?: number;
  /** The --http address, recorded in the lock for a second master to name. */
  listen?: string;
}

export interface Store extends Queries {
  /** This database's cluster id (a UUID made with it, never changed); see cluster.ts. */
  readonly clusterId: string;
  /**
   * How often a blocking query reads its host's index again when no change was heard; undefined when
   * every change is heard (SQLite: one master, in-process). PostgreSQL's masters hear each other's
   * changes by LISTEN/NOTIFY, which a lost connection can miss.
   */
  readonly recheckMs?: number;
  /**
   * One transaction that bumps the global index; after it commits, `onHostsChanged` hears which
   * hosts' desired state changed. `fn` must use `tx`'s queries only, and may run more than once
   * when the engine retries a transaction that conflicted with another master's.
   */
  write<T>(fn: (tx: WriteTx) => Promise<T>, options?: WriteOptions): Promise<T>;
  /** Reads in one transaction, so they see one consistent snapshot. */
  read<T>(fn: (q: Queries) => Promise<T>): Promise<T>;
  /** The global index: the last write's. */
  index(): Promise<number>;
  /** Whether the database answers a read (GET /healthz). */
  readable(): Promise<boolean>;
  /**
   * Whether this master holds the once-per-cluster lease `name` now (the reapers'), taking it when it
   * is free. SQLite: always (its file has one master). PostgreSQL: postgres/lease.ts.
   */
  holdsLease(name: string): Promise<boolean>;
  /**
   * The masters serving this database: each records itself every few seconds (`beat`), and `live`
   * names those seen since `since` (GET /masters); `leave` takes a stopping master off. SQLite: this
   * master only, in memory (one master per file). PostgreSQL: table `masters`, outside the numbered
   * schema (postgres/migrate.ts).
   */
  masters: {
    beat(name: string, url: string, now: number): Promise<void>;
    leave(name: string): Promise<void>;
    live(since: number): Promise<string[]>;
  };
  /**
   * Hears which hosts' desired state changed after a commit: this master's writes and, on PostgreSQL,
   * every other master's; 'all' when others' changes up to `index` may have gone unheard (PostgreSQL's
   * listening connection was lost and is back).
   */
  onHostsChanged(listener: (hosts: string[] | 'all', index: number) => void): () => void;
  /**
   * Hears every write this master commits, with its index and whether it was durable (a heartbeat is
   * not: the rollout engine takes those at a slower pace), and on PostgreSQL every other master's
   * durable write (NOTIFY; a listener that must not miss one lost meanwhile reads again every `recheckMs`).
   */
  onCommit(listener: (index: number, durable: boolean) => void): () => void;
  /**
   * Resolves once every durable write so far is on disk (--sync-mode full); undefined when none
   * waits. The app holds each write's answer on it.
   */
  flushed(): Promise<void> | undefined;
  /** What a failure of this database means to a client (DISK_FULL, DATABASE_BUSY, …), or undefined. */
  storeError(err: unknown): HeliosError | undefined;
  close(): Promise<void>;
}

/**
 * Opens the store `--db` names: `postgres://…` or `postgresql://…` is PostgreSQL (postgres/), any
 * other a SQLite file (`:memory:` one in memory).
 * @example
 *   const store = await openStore('/tmp/master.db');
 *   await store.write(async (tx) => { if (await tx.deployments.setGoal('h1', id, 'STOP', tx.index)) tx.touchHost('h1'); });
 */
export async function openStore(db: string, options: StoreOptions = {}): Promise<Store> {
  return isPostgresUrl(db) ? openPostgresStore(db, { poolSize: options.poolSize }) : openSqliteStore(db, options);
}
