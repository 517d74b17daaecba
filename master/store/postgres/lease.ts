import pg from 'pg';
import { createHash } from 'node:crypto';

/** A lease's name as the 64-bit key of a PostgreSQL advisory lock. */
const keyOf = (name: string) => createHash('sha256').update(`helios lease ${name}`).digest().readBigInt64BE(0).toString();

/**
 * Once-per-cluster work (the reapers): a session advisory lock per lease name, held on a connection of
 * this master's own. PostgreSQL drops it when that connection ends, so when its holder dies (kill -9,
 * a lost machine: once the server sees the connection gone) the next master to ask takes it. A lost
 * connection loses the leases with it; they are asked for again on a new one.
 */
export function createLeases(url: string, types: pg.CustomTypesConfig) {
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  const held = new Set<string>();
  let closed = false;

  const connection = (): Promise<pg.Client> => (connecting ??= (async () => {
    const next = new pg.Client({ connectionString: url, types });
    const lost = () => {
      if (client === next) client = undefined;
      connecting = undefined;
      held.clear();
    };
    next.on('error', lost);
    next.on('end', lost);
    try {
      await next.connect();
    } catch (err) {
      lost();
      throw err;
    }
    client = next;
    return next;
  })());

  return {
    /** Whether this master holds lease `name` now, taking it when it is free. */
    async hold(name: string): Promise<boolean> {
      if (closed) return false;
      if (held.has(name) && client) return true;
      const db = await connection();
      const { rows } = await db.query<{ taken: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS taken', [keyOf(name)]);
      if (rows[0].taken) held.add(name);
      return rows[0].taken;
    },
    async close(): Promise<void> {
      closed = true;
      held.clear();
      await client?.end().catch(() => {});
    },
  };
}
