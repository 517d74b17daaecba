import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Queries, Store, WriteOptions, WriteTx } from '../store.js';
import { asTransaction, refuseInTransaction } from '../exclusive.js';
import { pgHandle, type PgHandle } from './handle.js';
import { migratePostgres } from './migrate.js';
import { pgJobs } from './jobs.js';
import { pgHosts, setDesiredIndex } from './hosts.js';
import { pgDeployments } from './deployments.js';
import { pgStatuses } from './statuses.js';
import { pgSyncSources } from './syncSources.js';
import { pgAudit } from './audit.js';
import { pgRegistryAccounts } from './registryAccounts.js';
import { pgDeploymentGroups } from './deploymentGroups.js';
import { postgresStoreError, isRetryable } from './postgresErrors.js';
import { createHostChanges } from './hostChanges.js';
import { createLeases } from './lease.js';

/** A `--db` that names PostgreSQL rather than a file. */
export const isPostgresUrl = (db: string) => /^postgres(ql)?:\/\//.test(db);

/** The URL without its password, to name the database in messages and logs. */
export const describeUrl = (url: string) => url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*):[^@]*@/, '$1:***@');

export interface PostgresOptions {
  /** Connections of this master's pool (--db-pool, default 10). */
  poolSize?: number;
}

/** A transaction that conflicted with another is run again, up to this many times in all. */
const MAX_ATTEMPTS = 20;

// BIGINT columns (times in ms, indexes) are numbers, as SQLite gives them: all stay below 2^53.
const types = { getTypeParser: ((oid: number, format?: string) => (oid === pg.types.builtins.INT8 ? Number
  : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser };

function queriesOf(db: PgHandle): Queries {
  return { jobs: pgJobs(db), hosts: pgHosts(db), deployments: pgDeployments(db), statuses: pgStatuses(db), syncSources: pgSyncSources(db), audit: pgAudit(db),
    registryAccounts: pgRegistryAccounts(db), deploymentGroups: pgDeploymentGroups(db) };
}

/** The store's own queries: each alone on a pooled connection, refused inside a transaction. */
function alone(pool: pg.Pool): Queries {
  const guarded: PgHandle = {
    rows: (text, values) => { refuseInTransaction(); return pgHandle(pool).rows(text, values); },
    changes: (text, values) => { refuseInTransaction(); return pgHandle(pool).changes(text, values); },
  };
  return queriesOf(guarded);
}

/**
 * The store on PostgreSQL (`--db postgres://…`), for any number of masters over one database.
 * Writes are SERIALIZABLE transactions, retried when PostgreSQL finds they conflicted with another
 * (SQLSTATE 40001, or a deadlock): every rule an action checks (a job deployed once per host, a
 * static port held once per host, no deployment of a removed job) reads rows and writes others, which
 * only SERIALIZABLE protects without a lock per rule, and a retry re-runs the action on the state the
 * other committed, so it ends as it would have on one master (JOB_ALREADY_DEPLOYED, PORT_CONFLICT, …).
 * The global index comes from a sequence, taken by the first statement of the transaction, where its
 * snapshot is taken too; so of two writes that touch one host, the one that commits later has the
 * higher index (the other, had it taken the lower number and committed later, would have found the
 * host's row changed since its snapshot: a serialization failure, and a new number on retry). Each
 * host's desired index therefore only grows, as an agent's blocking query needs. Reads are
 * REPEATABLE READ READ ONLY snapshots.
 */
export async function openPostgresStore(url: string, options: PostgresOptions = {}): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, types });
  // An idle connection that breaks (the server restarted) is dropped by the pool; the next query reconnects.
  pool.on('error', () => {});
  // A checked-out one has no listener of the pool's: broken between two queries of a transaction, its
  // 'error' would be uncaught and end the master. Its next query fails instead, and the transaction
  // rolls back and releases it as broken.
  pool.on('connect', (client) => { client.on('error', () => {}); });
  try {
    await migratePostgres(pool, describeUrl(url));
    const clusterId = (await pool.query<{ id: string }>('SELECT id FROM cluster')).rows[0]?.id;
    if (!clusterId) throw new Error('the database has no cluster id (table cluster is empty): it was edited by hand; restore it from a backup');
    return await createPostgresStore(pool, url, clusterId);
  } catch (err) {
    await pool.end();
    throw err;
  }
}

/** How often a blocking query reads its host's index again without a notification (one lost while a listening connection was down). */
const RECHECK_MS = 5_000;

async function createPostgresStore(pool: pg.Pool, url: string, clusterId: string): Promise<Store> {
  const listeners = new Set<(hosts: string[] | 'all', index: number) => void>();
  const commitListeners = new Set<(index: number, durable: boolean) => void>();
  const hear = (hosts: string[] | 'all', index: number) => { for (const listener of listeners) listener(hosts, index); };
  const heardCommit = (index: number) => { for (const listener of commitListeners) listener(index, true); };
  const changes = createHostChanges(url, types, hear, heardCommit);
  await changes.start();
  const leases = createLeases(url, types);

  /**
   * `fn` in a transaction that `begin` opens and `commit()` ends. Each may be several statements, sent
   * as one simple query (one round trip); `fn` gets the last one's rows.
   */
  async function transaction<T>(begin: string, fn: (client: pg.PoolClient, begun: Array<Record<string, unknown>>) => Promise<T>,
    commit: () => string = () => 'COMMIT'): Promise<T> {
    refuseInTransaction();
    for (let attempt = 1; ; attempt++) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        const results = await client.query(begin) as unknown as pg.QueryResult | pg.QueryResult[];
        const begun = Array.isArray(results) ? results[results.length - 1].rows : results.rows;
        const value = await asTransaction(() => fn(client, begun));
        await client.query(commit());
        return value;
      } catch (err) {
        await client.query('ROLLBACK').catch((rollback: Error) => { broken = rollback; });
        if (!isRetryable(err) || attempt === MAX_ATTEMPTS) throw err;
      } finally {
        client.release(broken);
      }
      // Both sides of a conflict retry: a random pause keeps them from meeting again.
      await sleep(Math.random() * Math.min(100, 2 ** attempt));
    }
  }

  async function write<T>(fn: (tx: WriteTx) => Promise<T>, writeOptions: WriteOptions = {}): Promise<T> {
    let touched = new Set<string>();
    let index = 0;
    // One round trip opens the transaction and takes its index. A heartbeat's commit does not wait
    // for the disk (another comes within seconds), as on SQLite.
    const begin = ['BEGIN ISOLATION LEVEL SERIALIZABLE', ...(writeOptions.durable === false ? ['SET LOCAL synchronous_commit TO off'] : []),
      "SELECT nextval('helios_index') AS index"].join('; ');
    const result = await transaction(begin, async (client, begun) => {
      touched = new Set();
      const db = pgHandle(client);
      index = begun[0].index as number;
      const value = await fn({ ...queriesOf(db), index, touchHost: (host) => { touched.add(host); } });
      for (const host of touched) await setDesiredIndex(db, host, index);
      if (touched.size > 0) await changes.send(db, touched, index);
      return value;
    }, () => (writeOptions.durable === false ? 'COMMIT' : changes.commitStatement(index)));
    if (touched.size > 0) hear([...touched], index);
    for (const listener of commitListeners) listener(index, writeOptions.durable !== false);
    return result;
  }

  return {
    ...alone(pool),
    clusterId,
    recheckMs: RECHECK_MS,
    write,
    read: (fn) => transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', (client) => fn(queriesOf(pgHandle(client)))),
    index: async () => {
      const { rows } = await pool.query<{ last_value: number; is_called: boolean }>('SELECT last_value, is_called FROM helios_index');
      return rows[0].is_called ? rows[0].last_value : 0;
    },
    readable: async () => {
      try {
        await pool.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    onHostsChanged: (listener) => { listeners.add(listener); return () => listeners.delete(listener); },
    onCommit: (listener) => { commitListeners.add(listener); return () => commitListeners.delete(listener); },
    holdsLease: (name) => leases.hold(name),
    masters: {
      beat: async (name, url, now) => {
        await pool.query(`INSERT INTO masters (name, url, last_seen) VALUES ($1, $2, $3)
          ON CONFLICT (name) DO UPDATE SET url = excluded.url, last_seen = excluded.last_seen`, [name, url, now]);
      },
      leave: async (name) => { await pool.query('DELETE FROM masters WHERE name = $1', [name]); },
      live: async (since) => (await pool.query<{ name: string }>('SELECT name FROM masters WHERE last_seen >= $1 ORDER BY name', [since])).rows.map((r) => r.name),
    },
    // PostgreSQL's COMMIT returns once the commit is on disk (synchronous_commit, its default).
    flushed: () => undefined,
    storeError: postgresStoreError,
    close: async () => {
      await leases.close();
      await changes.close();
      await pool.end();
    },
  };
}
