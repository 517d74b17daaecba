import pg from 'pg';
import { randomUUID } from 'node:crypto';
import type { PgHandle } from './handle.js';

/** The channels every master of a database notifies and listens on: hosts' desired state, and durable commits. */
const CHANNEL = 'helios_hosts';
const COMMITS = 'helios_commits';
/** PostgreSQL's limit on a payload is 8000 bytes: a commit touching more hosts sends several. */
const MAX_PAYLOAD = 7_000;
/**
 * How long a lost listening connection waits before it connects again: short, since changes are
 * unheard meanwhile; a refused connect costs the server next to nothing.
 */
const RECONNECT_MS = 250;

/**
 * Which hosts' desired state changed, told to every master of the database: a write sends
 * `pg_notify` inside its transaction (PostgreSQL delivers it at commit, never for a rollback) and each
 * master LISTENs on a connection of its own. A master hears its own writes in-process and skips them
 * here. Notifications sent while the connection is down are lost: once it is made anew, every host is
 * heard as changed ('all'), so each blocking query reads its index again at once rather than at its
 * periodic re-check (store.ts `recheckMs`, which still bounds what any other loss costs).
 * Every durable commit is told too (`heardCommit`: the rollout engine steps on another master's
 * task status at once), by a notice sent with the COMMIT itself, so it costs no round trip.
 */
export function createHostChanges(url: string, types: pg.CustomTypesConfig, hear: (hosts: string[] | 'all', index: number) => void,
  heardCommit: (index: number) => void) {
  const origin = randomUUID();
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let listenedBefore = false;

  const onNotification = (message: pg.Notification) => {
    const [from, index, hosts] = (message.payload ?? '').split('|');
    if (from === origin) return;
    if (message.channel === COMMITS) heardCommit(Number(index));
    else if (hosts !== undefined) hear(hosts.split(','), Number(index));
  };
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url, types });
    const lost = () => {
      next.removeAllListeners('notification');
      if (client === next) client = undefined;
      if (!closed) retry ??= setTimeout(() => { retry = undefined; void connect().catch(lost); }, RECONNECT_MS).unref();
    };
    next.on('error', lost);
    next.on('end', lost);
    next.on('notification', onNotification);
    await next.connect();
    await next.query(`LISTEN ${CHANNEL}; LISTEN ${COMMITS}`);
    client = next;
    if (listenedBefore) {
      const { rows } = await next.query<{ index: string }>('SELECT last_value AS index FROM helios_index');
      hear('all', Number(rows[0].index));
      heardCommit(Number(rows[0].index));
    }
    listenedBefore = true;
  };

  return {
    /** Listens from now on (start-up waits for the first connection, so a master never starts deaf). */
    start: connect,
    /** Sends the change from inside the write's transaction. */
    async send(db: PgHandle, hosts: Iterable<string>, index: number): Promise<void> {
      let batch: string[] = [];
      let bytes = 0;
      const flush = async () => {
        if (batch.length > 0) await db.rows('SELECT pg_notify($1, $2)', [CHANNEL, `${origin}|${index}|${batch.join(',')}`]);
        batch = [];
        bytes = 0;
      };
      for (const host of hosts) {
        if (bytes + host.length + 1 > MAX_PAYLOAD) await flush();
        batch.push(host);
        bytes += host.length + 1;
      }
      await flush();
    },
    /** The statement that ends a durable write: the commit's notice (delivered at commit), then COMMIT; one simple query. */
    commitStatement: (index: number): string => `SELECT pg_notify('${COMMITS}', '${origin}|${Math.trunc(index)}'); COMMIT`,
    async close(): Promise<void> {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}
