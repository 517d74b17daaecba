import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { openStore } from './store/store.js';
import { createNotifier } from './notifier.js';
import { startReaper } from './reaper.js';
import { defaults, type MasterOptions, type ResolvedOptions } from './options.js';

export interface StartOptions extends MasterOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Allow listening on a non-loopback address without tokens. */
  insecure?: boolean;
}

export interface RunningMaster {
  url: string;
  app: FastifyInstance;
  /** How many blocking queries are waiting now. */
  waitingQueries(): number;
  close(): Promise<void>;
}

const CLOSE_GRACE_MS = 1000;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|\[::1\])$/;

export class InsecureListenError extends Error {
  override name = 'InsecureListenError';
  constructor(host: string) {
    super(`refusing to listen on ${host} without --token-file: anyone who can reach it could deploy containers. `
      + 'Give --token-file FILE (one token per line; clients set HELIOS_TOKEN), listen on 127.0.0.1, or pass --insecure if the network is trusted');
  }
}

export function resolveOptions(options: MasterOptions): ResolvedOptions {
  return {
    dbPath: options.dbPath,
    name: options.name ?? hostname(),
    tokens: options.tokens ?? [],
    downAfterMs: options.downAfterMs ?? defaults.downAfterMs,
    reaperIntervalMs: options.reaperIntervalMs ?? defaults.reaperIntervalMs,
    allowedCapabilities: options.allowedCapabilities ?? [],
    bodyLimit: options.bodyLimit ?? defaults.bodyLimit,
    syncBodyLimit: options.syncBodyLimit ?? defaults.syncBodyLimit,
    maxWaitMs: options.maxWaitMs ?? defaults.maxWaitMs,
    logger: options.logger,
  };
}

/**
 * Opens the database (migrating it), builds the app, starts the reaper and listens.
 * @example
 *   const master = await startMaster({ dbPath: '/tmp/m.db', port: 0 });
 *   const client = createClient({ baseUrl: master.url });
 */
export async function startMaster(options: StartOptions): Promise<RunningMaster> {
  const host = options.host ?? '127.0.0.1';
  const resolved = resolveOptions(options);
  if (!LOOPBACK.test(host) && resolved.tokens.length === 0 && !options.insecure) throw new InsecureListenError(host);
  const store = openStore(resolved.dbPath);
  const notifier = createNotifier();
  store.onHostsChanged((hosts) => notifier.notify(hosts));
  const app = buildApp({ store, notifier, options: resolved });
  const reaper = startReaper(store, { intervalMs: resolved.reaperIntervalMs, master: resolved.name, log: app.log });
  try {
    await app.listen({ host, port: options.port ?? 5801 });
  } catch (err) {
    reaper.stop();
    store.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const urlHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    app,
    waitingQueries: () => notifier.waiting(),
    close: () => (closing ??= (async () => {
      reaper.stop();
      // In-flight requests get a moment to finish; a socket a client opened and never used (an
      // aborted long-poll) would otherwise hold close() until the headers timeout, about a minute.
      const force = setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS);
      await app.close();
      clearTimeout(force);
      store.close();
    })()),
  };
}
