import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Whether master tests run on PostgreSQL (HELIOS_TEST_ENGINE=postgres) rather than on SQLite files. */
export const onPostgres = () => process.env.HELIOS_TEST_ENGINE === 'postgres';

/**
 * A new, empty database `t_<random>` on the run's PostgreSQL server (HELIOS_TEST_PG, set by
 * test/env/withPostgres.ts, which `npm test` runs under): its URL, and `drop` to remove it. Each
 * test makes its own, so test files run in parallel. `server`: another server's URL (a benchmark's).
 */
export async function createDatabase(server = process.env.HELIOS_TEST_PG): Promise<{ url: string; drop(): Promise<void> }> {
  if (!server) throw new Error('HELIOS_TEST_PG is not set: run the tests under tsx test/env/withPostgres.ts (npm test does)');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = (sql: string) => runSql(server, sql);
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE ${name} WITH (FORCE)`) };
}

/** Runs `sql` (one or more statements) on the database at `url`, over a connection of its own. */
export async function runSql(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** createDatabase, dropped by `t.teardown`. */
export async function createTestDatabase(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const { url, drop } = await createDatabase();
  t.teardown(drop);
  return url;
}

/**
 * Every row of every table of the database at `url`, as dumpDb gives a SQLite file's. The index
 * sequence's position is left out: a refused write gives its number back by leaving a gap (a
 * sequence is not transactional), which no reader sees as a change. So is table `masters`, where each
 * running master records itself every 2 s (masterBeat.ts): liveness, not the cluster's state.
 */
export async function dumpPostgres(url: string): Promise<Record<string, unknown[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = (await client.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'masters' ORDER BY 1")).rows;
    const dump: Record<string, unknown[]> = {};
    for (const { name } of tables) dump[name] = (await client.query(`SELECT * FROM "${name}" ORDER BY 1, 2`)).rows;
    return dump;
  } finally {
    await client.end();
  }
}
