import Database from 'better-sqlite3';
import { migrate } from './migrations.js';
import { createPrivateFile } from './privateFiles.js';
import { defaults } from '../options.js';

/**
 * Opens (creating it 0600 if needed) the master's database: WAL, so readers never block the writer;
 * `synchronous=NORMAL`, so a committed transaction is in the WAL and survives a kill -9 (the fsync
 * before an answer is durableCommits.ts'); foreign keys. Its folder must exist (openStore makes it).
 * better-sqlite3 is synchronous, so a lock held by another process (an sqlite3 shell, a VACUUM) is
 * waited for on the event loop: the wait is kept short, and a write still locked after it answers
 * DATABASE_BUSY (sqliteErrors.ts) instead of freezing every request for seconds.
 */
export function openDb(path: string, options: { busyTimeoutMs?: number } = {}): Database.Database {
  if (path !== ':memory:') createPrivateFile(path);
  const db = new Database(path, { timeout: options.busyTimeoutMs ?? defaults.busyTimeoutMs });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, path);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
