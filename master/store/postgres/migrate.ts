import type pg from 'pg';
import { SchemaTooNewError } from '../migrations.js';
import { postgresMigrations } from './migrations.js';

/** Any fixed number: the advisory lock under which one master at a time migrates a database (and `migrate` copies into it). */
export const MIGRATION_LOCK = 0x6865_6c69;

/**
 * Brings the database to the schema version of postgresMigrations, each migration in its own
 * transaction; refuses one from the future. Masters starting together take turns (an advisory lock).
 */
export async function migratePostgres(pool: pg.Pool, name: string): Promise<{ from: number; to: number }> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    // meta, the index and the masters' heartbeats are the engine's own, outside the numbered schema
    // (SQLite has one master per file, and its index is a row of meta).
    await client.query(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL);
      CREATE SEQUENCE IF NOT EXISTS helios_index;
      CREATE TABLE IF NOT EXISTS masters (name TEXT PRIMARY KEY, url TEXT NOT NULL, last_seen BIGINT NOT NULL)`);
    const row = (await client.query<{ value: number }>("SELECT value FROM meta WHERE key = 'schemaVersion'")).rows[0];
    const from = row?.value ?? 0;
    const to = postgresMigrations.length;
    if (from > to) throw new SchemaTooNewError(name, from, to);
    for (let version = from + 1; version <= to; version++) {
      await client.query('BEGIN');
      try {
        await client.query(postgresMigrations[version - 1]);
        await client.query(`INSERT INTO meta (key, value) VALUES ('schemaVersion', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [version]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    }
    return { from, to };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}
