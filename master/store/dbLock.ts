import Database from 'better-sqlite3';
import { hostname } from 'node:os';
import { createPrivateFile } from './privateFiles.js';

/** Who holds a database: recorded in its lock file for the next master to name. */
export interface LockHolder {
  pid: number;
  host: string;
  /** The --http address it was started with. */
  listen: string | null;
  since: string;
}

export class DatabaseInUseError extends Error {
  override name = 'DatabaseInUseError';
  constructor(readonly dbPath: string, readonly holder: LockHolder | undefined) {
    const who = holder
      ? ` (pid ${holder.pid} on host ${holder.host}${holder.listen ? `, --http ${holder.listen}` : ''}, since ${holder.since})`
      : '';
    super(`the database ${dbPath} is in use by another helios-master${who}: stop that one first, or give this one its own --db`);
  }
}

export interface DbLock {
  release(): void;
}

const isBusy = (err: unknown) => err instanceof Database.SqliteError && err.code.startsWith('SQLITE_BUSY');

/**
 * One master per database file (review F19). The lock is the operating system's, through SQLite: in
 * `DB.lock`, a small SQLite file, the master records who it is and then keeps a write transaction
 * open (BEGIN IMMEDIATE, a RESERVED lock: an fcntl lock). The kernel drops it when the process ends,
 * kill -9 and a crash included, so there is never a stale lock to guess about (a pid file's check
 * fails across pid namespaces and after pid reuse). A RESERVED lock does not stop readers, so the
 * next master reads who holds it and says so. The lock is a file of its own, not the database: a
 * backup, a check or sqlite3 open the database freely while the master runs. Another process on the
 * same machine sharing the folder (a second container) is refused too; a network file system, on
 * which SQLite's WAL does not work anyway, is not supported.
 * @example
 *   const lock = lockDatabase('/var/lib/helios/master.db', '127.0.0.1:5801'); // throws DatabaseInUseError
 *   lock.release();
 */
export function lockDatabase(dbPath: string, listen?: string): DbLock {
  const path = `${dbPath}.lock`;
  createPrivateFile(path);
  // timeout 0: a held lock answers SQLITE_BUSY at once instead of after better-sqlite3's 5 s.
  const db = new Database(path, { timeout: 0 });
  try {
    hold(db, dbPath, { pid: process.pid, host: hostname(), listen: listen ?? null, since: new Date().toISOString() });
  } catch (err) {
    db.close();
    throw err;
  }
  return {
    release: () => {
      if (db.inTransaction) db.exec('ROLLBACK');
      db.close();
    },
  };
}

function hold(db: Database.Database, dbPath: string, me: LockHolder): void {
  begin(db, dbPath);
  try {
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER, host TEXT, listen TEXT, since TEXT)');
    db.exec('DELETE FROM holder');
    db.prepare('INSERT INTO holder VALUES (@pid, @host, @listen, @since)').run(me);
    db.exec('COMMIT');
  } catch (err) {
    // A full disk must not keep the master from serving reads: it holds the lock unrecorded.
    if (!(err instanceof Database.SqliteError && err.code === 'SQLITE_FULL')) throw err;
    db.exec('ROLLBACK');
  }
  // Between COMMIT and this, another master may have taken it: then that one runs and this one stops.
  begin(db, dbPath);
}

function begin(db: Database.Database, dbPath: string): void {
  try {
    db.exec('BEGIN IMMEDIATE');
  } catch (err) {
    if (!isBusy(err)) throw err;
    throw new DatabaseInUseError(dbPath, readHolder(db));
  }
}

/** The holder's record; none while it is still writing its first one. */
function readHolder(db: Database.Database): LockHolder | undefined {
  try {
    db.pragma('busy_timeout = 1000'); // its COMMIT holds the file for a moment
    return db.prepare<[], LockHolder>('SELECT pid, host, listen, since FROM holder').get();
  } catch {
    return undefined;
  }
}
