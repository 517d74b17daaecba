import { hostname } from 'node:os';
import type { Server as TlsServer } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { openStore } from './store/store.js';
import { createNotifier } from './notifier.js';
import { startRolloutEngine } from './rollouts/engine.js';
import { createMasterMetrics } from './metrics/masterMetrics.js';
import { createChangeFeed } from './events/changeFeed.js';
import { startReaper } from './reaper.js';
import { startMasterBeat } from './masterBeat.js';
import { resolveRetention } from './reapers/retention.js';
import { emptyPolicy } from '../core/index.js';
import { loadTokenFile } from './auth/tokenFile.js';
import { createTokenRegistry } from './auth/tokenRegistry.js';
import { openMasterSecrets } from './secrets/masterSecrets.js';
import { defaults, resolveLimits, type MasterOptions, type ResolvedOptions } from './options.js';
import { readTlsContext, tlsServerOptions, type TlsFiles } from './tls.js';

export interface StartOptions extends MasterOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Allow listening on a non-loopback address without TLS or authentication. */
  insecure?: boolean;
  /** Serve HTTPS with these files; `clientCaFile` makes a client certificate signed by it required. */
  tls?: TlsFiles;
}

export interface RunningMaster {
  /** `https://…` with TLS. */
  url: string;
  app: FastifyInstance;
  /**
   * Reads the TLS files again and serves them to new connections (SIGHUP). A bad file throws
   * INVALID_ARGUMENT naming it, and the running certificate stays. Without TLS, nothing to do.
   */
  reloadTls(): void;
  /**
   * Reads the token file again (SIGHUP) and swaps the whole token set at once. A bad file throws
   * TokenFileError and the running tokens stay. Without a token file, nothing to do.
   */
  reloadTokens(): { tokens: number; roles: Record<string, number>; warnings: string[] };
  /** How many blocking queries are waiting now. */
  waitingQueries(): number;
  /** Runs every reaper once, now, as its timer does (a test gives `now` to step past a retention). */
  reapOnce(now?: number): Promise<void>;
  close(): Promise<void>;
}

const CLOSE_GRACE_MS = 1000;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|\[::1\])$/;

/** What a non-loopback address lacks: TLS (tokens and secrets in cleartext), authentication (anyone deploys). */
export interface MissingProtection {
  tls: boolean;
  auth: boolean;
}

export class InsecureListenError extends Error {
  override name = 'InsecureListenError';
  constructor(host: string, missing: MissingProtection) {
    const lacks = [missing.tls && 'TLS', missing.auth && 'authentication'].filter(Boolean).join(' or ');
    const risks = [missing.tls && 'tokens and job secrets would cross the network in cleartext',
      missing.auth && 'anyone who can reach it could deploy containers'].filter(Boolean).join(', and ');
    const fixes = [missing.tls && '--tls-cert FILE --tls-key FILE',
      missing.auth && '--token-file FILE (clients set HELIOS_TOKEN) or --client-ca FILE (clients give --cert and --key)'].filter(Boolean).join(' and ');
    super(`refusing to listen on ${host} without ${lacks}: ${risks}. Give ${fixes}, listen on 127.0.0.1, `
      + 'or pass --insecure if the network is trusted');
  }
}

export function resolveOptions(options: MasterOptions): ResolvedOptions {
  return {
    dbPath: options.dbPath,
    name: options.name ?? hostname(),
    downAfterMs: options.downAfterMs ?? defaults.downAfterMs,
    reaperIntervalMs: options.reaperIntervalMs ?? defaults.reaperIntervalMs,
    tokenFile: options.tokenFile,
    admission: { ...emptyPolicy, ...options.admission },
    maxWaitMs: options.maxWaitMs ?? defaults.maxWaitMs,
    syncMode: options.syncMode ?? defaults.syncMode,
    busyTimeoutMs: options.busyTimeoutMs ?? defaults.busyTimeoutMs,
    dbPoolSize: options.dbPoolSize ?? defaults.dbPoolSize,
    limits: resolveLimits(options.limits),
    retention: resolveRetention(options.retention),
    corsOrigins: options.corsOrigins ?? [],
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
  const loaded = options.tokenFile ? loadTokenFile(options.tokenFile) : { entries: options.tokens ?? [], warnings: [] };
  const tokens = createTokenRegistry(loaded.entries);
  const missing = { tls: !options.tls, auth: tokens.size() === 0 && options.tls?.clientCaFile === undefined };
  if (!LOOPBACK.test(host) && (missing.tls || missing.auth) && !options.insecure) throw new InsecureListenError(host, missing);
  const https = options.tls && tlsServerOptions(options.tls);
  // Checked before the database opens: a key others may read, or a missing one given by name, stops the start.
  const secrets = openMasterSecrets(options.secretsKeyFile,
    (path) => app.log.warn({ secretsKeyFile: path }, 'secrets key file made: keep it, and give every master of this cluster the same file'));
  const store = await openStore(resolved.dbPath, {
    syncMode: resolved.syncMode, busyTimeoutMs: resolved.busyTimeoutMs, poolSize: resolved.dbPoolSize, listen: `${host.includes(':') ? `[${host}]` : host}:${options.port ?? 5801}`,
  });
  const notifier = createNotifier();
  store.onHostsChanged((hosts) => (hosts === 'all' ? notifier.wakeAll() : notifier.notify(hosts)));
  const metrics = createMasterMetrics({ store, notifier, downAfterMs: resolved.downAfterMs });
  const feed = createChangeFeed(store);
  const app = buildApp({ store, notifier, options: resolved, tokens, secrets, metrics, feed }, https);
  for (const warning of loaded.warnings) app.log.warn(warning);
  if (tokens.size() === 0 && options.tls?.clientCaFile === undefined) {
    app.log.warn('no tokens: anyone who can reach this master can deploy (on 127.0.0.1, anyone on this machine); give --token-file to require them');
    if (resolved.corsOrigins.includes('*')) app.log.warn('--cors-origin * without tokens: any web page its users open can deploy on this master; give --token-file, or name the UI\'s origin');
  }
  const reaper = startReaper(store, {
    intervalMs: resolved.reaperIntervalMs, master: resolved.name, downAfterMs: resolved.downAfterMs, retention: resolved.retention, log: app.log,
  });
  // A step is no request of anyone's: the dashboard hears it as a change of deployments (a group's status, its hosts' jobs).
  const rollouts = startRolloutEngine(store, { downAfterMs: resolved.downAfterMs, master: resolved.name, log: app.log, observer: metrics,
    onStep: () => feed.changed(['deployments']) });
  try {
    await app.listen({ host, port: options.port ?? 5801 });
  } catch (err) {
    await rollouts.stop();
    await reaper.stop();
    await store.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const urlHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const url = `${https ? 'https' : 'http'}://${urlHost}:${port}`;
  const beat = await startMasterBeat(store, resolved.name, url, app.log);
  let closing: Promise<void> | undefined;
  return {
    url,
    app,
    reloadTls: () => {
      if (options.tls) (app.server as unknown as TlsServer).setSecureContext(readTlsContext(options.tls));
    },
    reloadTokens: () => {
      if (!options.tokenFile) return { tokens: tokens.size(), roles: tokens.roles(), warnings: [] };
      const next = loadTokenFile(options.tokenFile);
      tokens.replace(next.entries);
      return { tokens: tokens.size(), roles: tokens.roles(), warnings: next.warnings };
    },
    waitingQueries: () => notifier.waiting(),
    reapOnce: (now?: number) => reaper.runOnce(now),
    close: () => (closing ??= (async () => {
      await beat.stop();
      await rollouts.stop();
      await reaper.stop();
      // In-flight requests get a moment to finish; a socket a client opened and never used (an
      // aborted long-poll) would otherwise hold close() until the headers timeout, about a minute.
      const force = setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS);
      await app.close();
      clearTimeout(force);
      await store.close();
    })()),
  };
}
