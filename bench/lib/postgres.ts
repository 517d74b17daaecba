/**
 * PostgreSQL for benchmarks: HELIOS_BENCH_PG's server when set (postgres://USER@HOST:PORT/postgres,
 * allowed to create databases), else a private one started for the run (test/env/postgresServer.ts)
 * with PostgreSQL's durable defaults (fsync on every commit, as the master's SQLite --sync-mode full),
 * unlike the tests' server, whose commits skip the disk. Each run gets a database of its own.
 */
import pg from 'pg';
import { startPostgresServer } from '../../test/env/postgresServer.js';
import { createDatabase } from '../../test/harness/postgres.js';

export interface BenchPostgres {
  /** A new, empty database: its URL, and `drop`. */
  database(): Promise<{ url: string; drop(): Promise<void> }>;
  /** Stops the server it started (none for HELIOS_BENCH_PG). */
  stop(): Promise<void>;
  /** Where it runs, for the figures' notes. */
  description: string;
}

export async function benchPostgres(log: (message: string) => void): Promise<BenchPostgres> {
  const given = process.env.HELIOS_BENCH_PG;
  const server = given ? undefined : await startPostgresServer(log, { durable: true });
  const url = given ?? server!.url;
  return {
    database: () => createDatabase(url),
    stop: async () => { await server?.stop(); },
    description: given ? 'PostgreSQL of HELIOS_BENCH_PG' : 'a private PostgreSQL on this machine, fsync on',
  };
}

/** The database's size on disk (tables, indexes, TOAST). */
export async function databaseBytes(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query<{ bytes: string }>('SELECT pg_database_size(current_database()) AS bytes')).rows[0].bytes);
  } finally {
    await client.end();
  }
}
