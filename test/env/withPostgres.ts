/**
 * Runs a command with a PostgreSQL server: `tsx test/env/withPostgres.ts <command> [args…]`. Uses
 * HELIOS_TEST_PG when it is set, otherwise starts a private server for the run (postgresServer.ts)
 * and stops it afterwards; sets HELIOS_TEST_PG (`postgres://helios@127.0.0.1:PORT/postgres`) for the
 * command. Each test file makes its own database on it (test/harness/postgres.ts).
 */
import { startPostgresServer } from './postgresServer.js';
import { runWrapped } from './wrapper.js';

const log = (message: string) => process.stderr.write(`[postgres-env] ${message}\n`);

runWrapped('test/env/withPostgres.ts', log, async () => {
  if (process.env.HELIOS_TEST_PG) {
    log(`using HELIOS_TEST_PG=${process.env.HELIOS_TEST_PG}`);
    return { env: process.env, stop: async () => {} };
  }
  const server = await startPostgresServer(log);
  return { env: { ...process.env, HELIOS_TEST_PG: server.url }, stop: server.stop };
});
