/**
 * `helios-master backup FILE` and `helios-master check`. Both open the database as any reader does,
 * never its lock (dbLock.ts), so they run while a master serves from it: in WAL mode a reader
 * neither waits for the writer nor holds it up. They open it read-only, so neither can change a file
 * it is asked to judge.
 */
import Database from 'better-sqlite3';
import { existsSync, linkSync, rmSync, statSync } from 'node:fs';
import { createPrivateFile } from './privateFiles.js';
import { describeUrl, isPostgresUrl } from './postgres/postgresStore.js';

export class DatabaseCommandError extends Error {
  override name = 'DatabaseCommandError';
}

function openForReading(dbPath: string): Database.Database {
  if (isPostgresUrl(dbPath)) {
    throw new DatabaseCommandError(`${describeUrl(dbPath)} is a PostgreSQL database: backup and check are SQLite's. Back it up with `
      + "pg_dump -Fc (restore with pg_restore), or PostgreSQL's replication and point-in-time recovery; PostgreSQL checks its pages itself (amcheck for more)");
  }
  if (!existsSync(dbPath)) throw new DatabaseCommandError(`${dbPath}: no such database (give --db PATH)`);
  try {
    // A master's write lock is held for a commit only: a reader that meets one waits a moment.
    return new Database(dbPath, { readonly: true, fileMustExist: true, timeout: 5_000 });
  } catch (err) {
    throw new DatabaseCommandError(`${dbPath}: cannot open it: ${(err as Error).message}`);
  }
}

const indexOf = (db: Database.Database) =>
  db.prepare<[], { value: number }>("SELECT value FROM meta WHERE key = 'index'").get()?.value ?? 0;

/**
 * Copies the database to `file` (created 0600) with SQLite's online backup, all pages in one step,
 * so one read snapshot is copied and a master writing meanwhile cannot make it start over. The copy
 * is written beside `file` and linked to it once it passed `quick_check`, so `file` is either a
 * whole backup or untouched; an existing `file` is refused (a backup never overwrites one).
 * @example await backupDatabase('/var/lib/helios/master.db', '/backup/master-2025-01-01.db')
 */
export async function backupDatabase(dbPath: string, file: string): Promise<{ index: number; bytes: number }> {
  if (existsSync(file)) throw new DatabaseCommandError(`${file} exists: give a file that does not (a backup never overwrites one)`);
  const db = openForReading(dbPath);
  const partial = `${file}.partial-${process.pid}`;
  try {
    createPrivateFile(partial);
    // The first step only measures; the second copies every remaining page at once.
    await db.backup(partial, { progress: () => 0x7fffffff });
    const index = sealCopy(partial, dbPath);
    linkSync(partial, file); // unlike a rename, never replaces a file made meanwhile
    rmSync(partial);
    return { index, bytes: statSync(file).size };
  } catch (err) {
    for (const leftover of [partial, `${partial}-wal`, `${partial}-shm`, `${partial}-journal`]) rmSync(leftover, { force: true });
    if (err instanceof DatabaseCommandError) throw err;
    throw new DatabaseCommandError(`cannot back ${dbPath} up to ${file}: ${(err as Error).message}`);
  } finally {
    db.close();
  }
}

/** Checks the copy and makes it one self-contained file (no -wal beside it); returns its index. */
function sealCopy(partial: string, dbPath: string): number {
  const copy = new Database(partial, { fileMustExist: true });
  try {
    const problems = integrityProblems(copy, 'quick_check');
    if (problems.length > 0) throw new DatabaseCommandError(`the copy of ${dbPath} failed quick_check: ${problems.join('; ')}`);
    copy.pragma('journal_mode = DELETE');
    return indexOf(copy);
  } finally {
    copy.close();
  }
}

/** What `PRAGMA integrity_check` (or `quick_check`) and `foreign_key_check` find wrong; empty when sound. */
function integrityProblems(db: Database.Database, pragma: 'integrity_check' | 'quick_check'): string[] {
  const rows = db.pragma(pragma) as Record<string, string>[];
  const found = rows.map((row) => Object.values(row)[0]).filter((line) => line !== 'ok');
  const orphans = db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
  return [...found, ...orphans.map((o) => `${o.table} row ${o.rowid} refers to a missing row of ${o.parent}`)];
}

/**
 * Checks the whole database (`integrity_check`: every page, index and row; `foreign_key_check`).
 * @example const { problems } = checkDatabase('/var/lib/helios/master.db'); // [] when sound
 */
export function checkDatabase(dbPath: string): { problems: string[]; index: number } {
  const db = openForReading(dbPath);
  try {
    return { problems: integrityProblems(db, 'integrity_check'), index: indexOf(db) };
  } catch (err) {
    // A file that is no database, or is damaged past reading, is a finding too.
    return { problems: [`${(err as Error).message} (${(err as { code?: string }).code ?? 'error'})`], index: 0 };
  } finally {
    db.close();
  }
}
