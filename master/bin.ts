#!/usr/bin/env node
/**
 * helios-master: parses flags, starts the master, and shuts it down gracefully on SIGTERM/SIGINT
 * (in-flight requests finish, blocking queries are released, the database is closed).
 */
import { parseFlags, usage } from './flags.js';
import { SchemaTooNewError } from './store/migrations.js';
import { InsecureListenError, startMaster, type StartOptions } from './server.js';

async function main(): Promise<void> {
  let options: StartOptions | 'help';
  try {
    options = parseFlags(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`helios-master: ${(err as Error).message}\n\n${usage}\n`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(`${usage}\n`);
    return;
  }
  let master;
  try {
    master = await startMaster(options);
  } catch (err) {
    const known = err instanceof SchemaTooNewError || err instanceof InsecureListenError;
    process.stderr.write(`helios-master: ${known ? (err as Error).message : (err as Error).stack}\n`);
    process.exit(1);
  }
  master.app.log.info({ url: master.url, db: options.dbPath, auth: (options.tokens?.length ?? 0) > 0 }, 'master listening');
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
}

void main();
