import type Database from 'better-sqlite3';
import type { RegistryAccount } from '../../core/index.js';

/** A registry account as stored: its secret sealed (master/secrets/secretBox.ts) with `id` as associated data. */
export interface StoredRegistryAccount extends RegistryAccount {
  id: string;
  secret: string;
}

export interface RegistryAccountRow {
  name: string;
  id: string;
  host: string;
  username: string;
  secret: string;
  created: number;
  updated: number;
}

export const toAccount = (row: RegistryAccountRow): StoredRegistryAccount => ({
  name: row.name, id: row.id, host: row.host, username: row.username, secret: row.secret, created: row.created, updated: row.updated,
});

/** Registry accounts by name; a login again replaces user, host and secret and keeps id and created. */
export function createRegistryAccountsStore(db: Database.Database) {
  const get = db.prepare<[string], RegistryAccountRow>('SELECT * FROM registry_accounts WHERE name = ?');
  const all = db.prepare<[], RegistryAccountRow>('SELECT * FROM registry_accounts ORDER BY name');
  const ofHost = db.prepare<[string], RegistryAccountRow>('SELECT * FROM registry_accounts WHERE host = ? ORDER BY name');
  const upsert = db.prepare(`INSERT INTO registry_accounts (name, id, host, username, secret, created, updated, modify_index)
    VALUES (@name, @id, @host, @username, @secret, @created, @updated, @index)
    ON CONFLICT (name) DO UPDATE SET host = excluded.host, username = excluded.username, secret = excluded.secret,
      updated = excluded.updated, modify_index = excluded.modify_index`);
  const remove = db.prepare<[string]>('DELETE FROM registry_accounts WHERE name = ?');
  return {
    get: (name: string) => { const row = get.get(name); return row && toAccount(row); },
    list: () => all.all().map(toAccount),
    ofHost: (host: string) => ofHost.all(host).map(toAccount),
    put: (a: StoredRegistryAccount, index: number): void => { upsert.run({ ...a, index }); },
    remove: (name: string) => remove.run(name).changes > 0,
  };
}
