#!/usr/bin/env node
/**
 * helios-master: parses flags, starts the master, and shuts it down gracefully on SIGTERM/SIGINT
 * (in-flight requests finish, blocking queries are released, the database is closed). SIGHUP re-reads
 * the files given on the command line.
 */
import { parseFlags, usage } from './flags.js';
import { SchemaTooNewError } from './store/migrations.js';
import { TokenFileError } from './auth/tokenFile.js';
import { InsecureListenError, startMaster, type RunningMaster, type StartOptions } from './server.js';
import { isHeliosError } from '../core/index.js';

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
    const known = err instanceof SchemaTooNewError || err instanceof InsecureListenError || err instanceof TokenFileError || isHeliosError(err, 'INVALID_ARGUMENT');
    process.stderr.write(`helios-master: ${known ? (err as Error).message : (err as Error).stack}\n`);
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
