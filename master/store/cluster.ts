import type Database from 'better-sqlite3';

/**
 * The cluster id of this database (migration 3): made once, never changed, so it is read once.
 * Every response carries it (Helios-Cluster-Id); an agent of another cluster is refused.
 */
export function readClusterId(db: Database.Database): string {
  const row = db.prepare<[], { id: string }>('SELECT id FROM cluster').get();
  if (!row) throw new Error('the database has no cluster id (table cluster is empty): it was edited by hand; restore it from a backup');
  return row.id;
}
