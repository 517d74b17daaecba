import type { Queries } from '../store.js';
import { toAccount, type RegistryAccountRow } from '../registryAccounts.js';
import type { PgHandle } from './handle.js';

/** registryAccounts.ts' queries on PostgreSQL. */
export function pgRegistryAccounts(db: PgHandle): Queries['registryAccounts'] {
  return {
    get: async (name) => { const row = (await db.rows<RegistryAccountRow>('SELECT * FROM registry_accounts WHERE name = $1', [name]))[0]; return row && toAccount(row); },
    list: async () => (await db.rows<RegistryAccountRow>('SELECT * FROM registry_accounts ORDER BY name')).map(toAccount),
    ofHost: async (host) => (await db.rows<RegistryAccountRow>('SELECT * FROM registry_accounts WHERE host = $1 ORDER BY name', [host])).map(toAccount),
    put: async (a, index) => {
      await db.changes(`INSERT INTO registry_accounts (name, id, host, username, secret, created, updated, modify_index)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (name) DO UPDATE SET host = excluded.host, username = excluded.username, secret = excluded.secret,
          updated = excluded.updated, modify_index = excluded.modify_index`,
      [a.name, a.id, a.host, a.username, a.secret, a.created, a.updated, index]);
    },
    remove: async (name) => await db.changes('DELETE FROM registry_accounts WHERE name = $1', [name]) > 0,
  };
}
