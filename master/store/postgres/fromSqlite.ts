/**
 * `helios-master migrate --from FILE --to postgres://…`: a cluster's whole state moved from its SQLite
 * file to PostgreSQL, cluster id and global index included, so agents keep their containers and their
 * blocking queries' indexes stay valid (the index only grows).
 *
 * Safety: the file's lock (dbLock.ts) is taken for the whole copy, so a master that still serves from
 * it is refused (it would keep writing after the copy, and those writes would be lost) and none can
 * start meanwhile. What is copied is one snapshot (SQLite's online backup into a temp file, migrated
 * to this version's schema there, never in the user's file). The target must hold no cluster yet
 * (its tables empty, no master beating) and is checked before anything is written to it; the schema
 * is then made as a master makes it, and every row is copied in one transaction: all or nothing.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockDatabase, DatabaseInUseError, type DbLock } from '../dbLock.js';
import { backupDatabase, DatabaseCommandError } from '../dbCommands.js';
import { migrate, SchemaTooNewError, SCHEMA_VERSION } from '../migrations.js';
import { MIGRATION_LOCK, migratePostgres } from './migrate.js';
import { describeUrl, isPostgresUrl } from './postgresStore.js';
import { MASTER_ALIVE_MS } from '../../masterBeat.js';

export class MigrateError extends Error {
  override name = 'MigrateError';
}

export interface MigrateResult {
  clusterId: string;
  index: number;
  schemaVersion: number;
  /** Rows copied, by table. */
  rows: Record<string, number>;
}

/** A table of the SQLite file and what copying it needs. */
interface SourceTable {
  name: string;
  columns: string[];
  /** Tables its foreign keys point at: copied before it. */
  parents: string[];
  count: number;
}

/** PostgreSQL takes at most 65,535 parameters a statement. */
const PARAMS_PER_INSERT = 30_000;

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * @example
 *   const { rows, index } = await migrateToPostgres('/var/lib/helios/master.db', 'postgres://helios@db/helios');
 */
export async function migrateToPostgres(from: string, to: string): Promise<MigrateResult> {
  if (isPostgresUrl(from)) throw new MigrateError(`--from ${describeUrl(from)} is a PostgreSQL URL: give the SQLite file the master used (its --db)`);
  if (!isPostgresUrl(to)) throw new MigrateError(`--to ${JSON.stringify(to)} is not a PostgreSQL URL: give postgres://USER:PASSWORD@HOST:PORT/DATABASE`);
  if (!existsSync(from)) throw new MigrateError(`--from ${from}: no such file (give the SQLite database the master used, its --db; by default $HELIOS_HOME/master.db)`);
  const lock = lockSource(from);
  const dir = mkdtempSync(join(tmpdir(), 'helios-migrate-'));
  try {
    const snapshot = join(dir, 'snapshot.db');
    try {
      await backupDatabase(from, snapshot);
    } catch (err) {
      if (err instanceof DatabaseCommandError) throw new MigrateError(`--from ${from}: ${err.message}`);
      throw err;
    }
    const source = new Database(snapshot, { fileMustExist: true });
    try {
      upgradeSnapshot(source, from);
      return await copy(source, from, to);
    } finally {
      source.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    lock.release();
  }
}

/** The file's lock (dbLock.ts), refused while a master holds it. */
function lockSource(from: string): DbLock {
  try {
    return lockDatabase(from);
  } catch (err) {
    if (!(err instanceof DatabaseInUseError)) throw err;
    const who = err.holder ? ` (pid ${err.holder.pid} on host ${err.holder.host}, since ${err.holder.since})` : '';
    throw new MigrateError(`--from ${from} is in use by a running helios-master${who}: stop it first (SIGTERM); `
      + 'it would keep writing to the file after the copy, and those writes would never reach PostgreSQL');
  }
}

/** Brings the snapshot to this version's schema, refusing a file a newer master wrote (by the user's file name). */
function upgradeSnapshot(db: Database.Database, from: string): void {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  const hasJobs = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'jobs'").get();
  if (!hasMeta || !hasJobs) throw new MigrateError(`--from ${from} is a SQLite file but no helios-master database (it has no meta or jobs table)`);
  migrate(db, from);
}

function sourceTables(db: Database.Database): SourceTable[] {
  const names = db.prepare<[], { name: string }>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'meta' ORDER BY name").all().map((r) => r.name);
  const tables = names.map((name) => ({
    name,
    columns: (db.pragma(`table_info(${quote(name)})`) as { name: string }[]).map((c) => c.name),
    parents: [...new Set((db.pragma(`foreign_key_list(${quote(name)})`) as { table: string }[]).map((f) => f.table))].filter((p) => p !== name),
    count: db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${quote(name)}`).get()!.n,
  }));
  // Parents first, so every foreign key finds its row.
  const ordered: SourceTable[] = [];
  const visit = (table: SourceTable) => {
    if (ordered.includes(table)) return;
    for (const parent of table.parents) {
      const found = tables.find((t) => t.name === parent);
      if (found) visit(found);
    }
    ordered.push(table);
  };
  tables.forEach(visit);
  return ordered;
}

async function copy(source: Database.Database, from: string, to: string): Promise<MigrateResult> {
  const target = describeUrl(to);
  const tables = sourceTables(source);
  const index = source.prepare<[], { value: number }>("SELECT value FROM meta WHERE key = 'index'").get()?.value ?? 0;
  const clusterId = source.prepare<[], { id: string }>('SELECT id FROM cluster').get()?.id;
  if (!clusterId) throw new MigrateError(`--from ${from} has no cluster id (table cluster is empty): it was edited by hand; restore it from a backup`);

  const pool = new pg.Pool({ connectionString: to, max: 1 });
  pool.on('error', () => {});
  try {
    try {
      await pool.query('SELECT 1');
    } catch (err) {
      throw new MigrateError(`--to ${target}: cannot connect: ${(err as Error).message}`);
    }
    // Nothing is written to the target until it is known to hold no cluster.
    await refuseHeldTarget(pool, target, tables);
    await migratePostgres(pool, target);
    const rows = await inOneTransaction(pool, async (client) => {
      // A master starting meanwhile waits here, in its own migration, and then reads the copied cluster id.
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await refuseHeldTarget(client, target, tables);
      await client.query('DELETE FROM cluster'); // the random id migratePostgres made: the cluster's own replaces it
      const copied: Record<string, number> = {};
      for (const table of tables) copied[table.name] = await copyTable(source, client, table, target);
      // Last: a sequence's position is not undone by a rollback.
      await client.query("SELECT setval('helios_index', $1, $2)", [Math.max(index, 1), index > 0]);
      return copied;
    });
    return { clusterId, index, schemaVersion: SCHEMA_VERSION, rows };
  } finally {
    await pool.end();
  }
}

async function inOneTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
    const value = await fn(client);
    await client.query('COMMIT');
    return value;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** Refuses a target whose schema is newer, whose tables hold rows (but the cluster id a master made on an empty database), or that a master serves. */
async function refuseHeldTarget(db: pg.Pool | pg.PoolClient, target: string, tables: SourceTable[]): Promise<void> {
  const exists = async (name: string) => (await db.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [`public.${name}`])).rows[0].t !== null;
  if (await exists('meta')) {
    const version = (await db.query<{ value: string }>("SELECT value FROM meta WHERE key = 'schemaVersion'")).rows[0]?.value;
    if (version !== undefined && Number(version) > SCHEMA_VERSION) throw new SchemaTooNewError(target, Number(version), SCHEMA_VERSION);
  }
  if (await exists('masters')) {
    const live = (await db.query<{ name: string }>('SELECT name FROM masters WHERE last_seen >= $1 ORDER BY name', [Date.now() - MASTER_ALIVE_MS])).rows.map((r) => r.name);
    if (live.length > 0) throw new MigrateError(`--to ${target} is served by helios-master ${live.join(', ')} (seen in the last ${MASTER_ALIVE_MS / 1000} s): stop every master on it first (a master killed rather than stopped is forgotten that long after)`);
  }
  const held: string[] = [];
  for (const table of tables) {
    if (table.name === 'cluster' || !(await exists(table.name))) continue;
    const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${quote(table.name)}`);
    if (Number(rows[0].n) > 0) held.push(`${table.name}: ${rows[0].n} rows`);
  }
  if (held.length > 0) {
    throw new MigrateError(`--to ${target} already holds a cluster (${held.join(', ')}): give an empty database (createdb a new one); nothing was written to it`);
  }
}

/** Every row of `table`, in batches; returns how many. Identity columns keep their values, and their sequences continue after them. */
async function copyTable(source: Database.Database, client: pg.PoolClient, table: SourceTable, target: string): Promise<number> {
  const targetColumns = (await client.query<{ column_name: string; is_identity: string }>(
    "SELECT column_name, is_identity FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1", [table.name])).rows;
  if (targetColumns.length === 0) throw new MigrateError(`--to ${target} has no table ${table.name}, which the SQLite file has: its schemas differ (a build of another version?)`);
  const missing = table.columns.filter((c) => !targetColumns.some((t) => t.column_name === c));
  if (missing.length > 0) throw new MigrateError(`--to ${target}: table ${table.name} has no column ${missing.join(', ')}, which the SQLite file has`);
  const identity = targetColumns.filter((c) => c.is_identity === 'YES').map((c) => c.column_name);
  const columns = table.columns.map(quote).join(', ');
  const perInsert = Math.max(1, Math.floor(PARAMS_PER_INSERT / table.columns.length));
  const insert = (n: number) => `INSERT INTO ${quote(table.name)} (${columns})${identity.length > 0 ? ' OVERRIDING SYSTEM VALUE' : ''} VALUES `
    + Array.from({ length: n }, (_, r) => `(${table.columns.map((_c, c) => `$${r * table.columns.length + c + 1}`).join(', ')})`).join(', ')
    // Rows the triggers made already (host_ports from deployments) are the same rows.
    + ' ON CONFLICT DO NOTHING';
  const select = source.prepare(`SELECT ${columns} FROM ${quote(table.name)}`).raw(true);
  let batch: unknown[][] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    try {
      await client.query(insert(batch.length), batch.flat());
    } catch (err) {
      throw new MigrateError(`copying table ${table.name} to ${target} failed: ${(err as Error).message}; nothing was copied (the transaction was rolled back)`);
    }
    batch = [];
  };
  for (const row of select.iterate() as IterableIterator<unknown[]>) {
    batch.push(row);
    if (batch.length === perInsert) await flush();
  }
  await flush();
  const copied = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quote(table.name)}`)).rows[0].n);
  if (copied !== table.count) {
    throw new MigrateError(`copying table ${table.name} to ${target}: ${table.count} rows in the SQLite file, ${copied} in PostgreSQL; nothing was copied (the transaction was rolled back)`);
  }
  for (const column of identity) {
    await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), GREATEST(COALESCE(MAX(${quote(column)}), 0), 1), COUNT(*) > 0) FROM ${quote(table.name)}`,
      [table.name, column]);
  }
  return copied;
}
