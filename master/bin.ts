#!/usr/bin/env node
/**
 * helios-master: parses flags, starts the master, and shuts it down gracefully on SIGTERM/SIGINT
 * (in-flight requests finish, blocking queries are released, the database is closed). SIGHUP re-reads
 * the files given on the command line. `backup FILE`, `check` and `migrate` work on the database instead.
 */
import Database from 'better-sqlite3';
import { parseCommandLine, usage, type MasterCommand } from './flags.js';
import { SchemaTooNewError } from './store/migrations.js';
import { DatabaseInUseError } from './store/dbLock.js';
import { backupDatabase, checkDatabase, DatabaseCommandError } from './store/dbCommands.js';
import { migrateToPostgres, MigrateError } from './store/postgres/fromSqlite.js';
import { describeUrl } from './store/postgres/postgresStore.js';
import { TokenFileError } from './auth/tokenFile.js';
import { SecretsKeyError } from './secrets/secretsKey.js';
import { InsecureListenError, startMaster, type RunningMaster, type StartOptions } from './server.js';
import { isHeliosError } from '../core/index.js';

async function main(): Promise<void> {
  let command: MasterCommand;
  try {
    command = parseCommandLine(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`helios-master: ${(err as Error).message}\n\n${usage}\n`);
    process.exit(2);
  }
  if (command.command === 'help') process.stdout.write(`${usage}\n`);
  else if (command.command === 'serve') await serve(command.options);
  else await databaseCommand(command);
}

async function serve(options: StartOptions): Promise<void> {
  let master;
  try {
    master = await startMaster(options);
  } catch (err) {
    const known = err instanceof SchemaTooNewError || err instanceof InsecureListenError || err instanceof TokenFileError || err instanceof SecretsKeyError
      || err instanceof DatabaseInUseError || isHeliosError(err, 'INVALID_ARGUMENT');
    const message = known ? (err as Error).message
      : err instanceof Database.SqliteError ? `cannot open the database ${options.dbPath}: ${err.message} (${err.code})`
        : (err as Error).stack;
    process.stderr.write(`helios-master: ${message}\n`);
    process.exit(1);
  }
  master.app.log.info({ url: master.url, db: options.dbPath, tokenFile: options.tokenFile ?? null }, 'master listening');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    master.app.log.info({ signal }, 'master stopping');
    master.close().then(() => process.exit(0), (err) => {
      master.app.log.error({ err }, 'unclean shutdown');
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => reload(master, options));
}

/** backup, check and migrate: the result on stdout, what is wrong on stderr with exit code 1. */
async function databaseCommand(command: Exclude<MasterCommand, { command: 'help' | 'serve' }>): Promise<void> {
  try {
    if (command.command === 'migrate') {
      process.stdout.write(migrationReport(command.from, command.to, await migrateToPostgres(command.from, command.to)));
      return;
    }
    if (command.command === 'backup') {
      const { index, bytes } = await backupDatabase(command.dbPath, command.file);
      process.stdout.write(`${command.file}: a backup of ${command.dbPath} at index ${index}, ${bytes} bytes, quick_check ok\n`);
      return;
    }
    const { problems, index } = checkDatabase(command.dbPath);
    if (problems.length === 0) {
      process.stdout.write(`${command.dbPath}: ok (integrity_check and foreign_key_check found nothing wrong; index ${index})\n`);
      return;
    }
    process.stderr.write(`${command.dbPath}: damaged (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  ${p}\n`).join('')}`
      + 'restore a backup (helios-master backup FILE makes one) with the master stopped\n');
  } catch (err) {
    if (!(err instanceof DatabaseCommandError || err instanceof MigrateError || err instanceof SchemaTooNewError)) throw err;
    process.stderr.write(`helios-master: ${err.message}\n`);
  }
  process.exitCode = 1;
}

function migrationReport(from: string, to: string, { rows, index, clusterId, schemaVersion }: Awaited<ReturnType<typeof migrateToPostgres>>): string {
  const width = Math.max(...Object.keys(rows).map((t) => t.length));
  return `copied ${from} to ${describeUrl(to)} in one transaction (schema version ${schemaVersion}, index ${index}, cluster ${clusterId}):\n`
    + Object.entries(rows).map(([table, n]) => `  ${table.padEnd(width)}  ${n}\n`).join('')
    + `start the masters with --db ${describeUrl(to)} (and the same --token-file); never start a master on ${from} again:\n`
    + 'agents that reached it would be served the state it had at the copy\n';
}

/** SIGHUP: files that fail to load are logged and the running ones kept (a typo must not stop the master). */
function reload(master: RunningMaster, options: StartOptions): void {
  if (options.tokenFile) {
    try {
      const { tokens, roles, warnings } = master.reloadTokens();
      for (const warning of warnings) master.app.log.warn(warning);
      master.app.log.info({ tokenFile: options.tokenFile, tokens, roles }, 'token file reloaded');
    } catch (err) {
      master.app.log.error({ err: { message: (err as Error).message } }, 'token file reload failed; the previous tokens still apply');
    }
  }
  if (options.tls) {
    try {
      master.reloadTls();
      master.app.log.info({ cert: options.tls.certFile }, 'TLS certificate reloaded');
    } catch (err) {
      master.app.log.error({ err }, 'TLS reload failed; the previous certificate is still served');
    }
  }
}

void main();
