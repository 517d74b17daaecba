import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from './migrations.js';

/**
 * Opens (creating if needed) the master's database: WAL so readers never block the writer,
 * `synchronous=NORMAL` (a committed transaction is in the WAL before `COMMIT` returns, so it survives
 * a kill -9 of the process; only an OS crash may lose the last commits), and a busy timeout in case
 * another process holds the file.
 */
export function openDb(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    migrate(db, path);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
