import Database from 'better-sqlite3';
import { HeliosError } from '../../core/index.js';

/** Seconds a client waits before it retries a write the database was too busy for. */
const BUSY_RETRY_AFTER_S = 1;

/**
 * What a SQLite failure means to a client, as a HeliosError keeping the original as `cause`;
 * undefined for anything that is not the database's environment (a constraint broken is a bug).
 * The disk gives no retry time: it waits for an operator.
 */
export function sqliteStoreError(err: unknown): HeliosError | undefined {
  if (!(err instanceof Database.SqliteError)) return undefined;
  const code = err.code;
  const cause = { cause: err };
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new HeliosError('DATABASE_BUSY', `the master's database is locked by another process (an sqlite3 shell, a VACUUM): nothing was written; retry in ${BUSY_RETRY_AFTER_S} s`,
      { retryAfter: BUSY_RETRY_AFTER_S }, cause);
  }
  if (code === 'SQLITE_FULL') {
    return new HeliosError('DISK_FULL', "the master's disk is full: nothing was written (reads still work); free space on the disk of its database, then retry",
      {}, cause);
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new HeliosError('STORAGE_ERROR', `the master's database is damaged (${code}): run helios-master check on it, and restore a backup if it fails`,
      {}, cause);
  }
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PROTOCOL') {
    return new HeliosError('STORAGE_ERROR', `the master cannot use its database (${code}: ${err.message}); the master log has the details`,
      {}, cause);
  }
  return undefined;
}
