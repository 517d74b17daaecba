import type { FastifyServerOptions } from 'fastify';
import type { AdmissionPolicy } from '../core/index.js';
import type { TokenEntry } from './auth/tokenFile.js';
import type { SecretsKeyFile } from './secrets/secretsKey.js';
import type { SyncMode } from './store/durableCommits.js';
import type { Retention } from './reapers/retention.js';
import { DEFAULT_MAX_JOB_BYTES, DEFAULT_MAX_SYNC_BYTES } from '../core/model/limits.js';

export interface MasterOptions {
  /** SQLite file; created with its directory when missing. */
  dbPath: string;
  /** This master's name (GET /masters, `deployerMaster`); defaults to os.hostname(). */
  name?: string;
  /** Bearer tokens; when non-empty every request needs one. A plain string is an admin token. */
  tokens?: ReadonlyArray<TokenEntry | string>;
  /** The token file (--token-file) the tokens came from; `reloadTokens()` reads it again. */
  tokenFile?: string;
  /**
   * The key registry secrets are sealed with (--secrets-key-file; master/secrets/). Without it the
   * master holds no registry accounts (a login is SECRETS_UNAVAILABLE).
   */
  secretsKeyFile?: SecretsKeyFile;
  /** A host is DOWN after this long without a heartbeat (default 30 s). */
  downAfterMs?: number;
  /** How often the reapers run: expired jobs, removed jobs' history, dead hosts, unused sources (default 5 s). */
  reaperIntervalMs?: number;
  /** How long removed jobs' history, DOWN hosts and unused sync sources are kept (reapers/retention.ts). */
  retention?: Partial<Retention>;
  /**
   * What jobs of non-admin tokens may ask of a host (host paths, network modes, capabilities, unconfined
   * security options); nothing by default (Helios' empty capability allow-list, extended).
   */
  admission?: Partial<AdmissionPolicy>;
  /** Longest a blocking query may wait (default 5 min). */
  maxWaitMs?: number;
  /** When commits are fsynced (--sync-mode; store/durableCommits.ts): full (default) or normal. */
  syncMode?: SyncMode;
  /** How long a write waits for another process's lock on the database before DATABASE_BUSY (--db-busy-timeout, default 100 ms). */
  busyTimeoutMs?: number;
  /** Connections of this master's PostgreSQL pool (--db-pool, default 10; PostgreSQL only). */
  dbPoolSize?: number;
  /** Origins whose web pages may call the API (--cors-origin; `*` for any); none by default (cors.ts). */
  corsOrigins?: string[];
  /** Timeouts and caps that keep one client from wearing the master down (defaults: `defaults.limits`). */
  limits?: Partial<MasterLimits>;
  /** fastify's logger option (pino); false for silence. */
  logger?: FastifyServerOptions['logger'];
}

/**
 * See master/limits/. "Per client" counts by the client's address, except 127.0.0.1 and ::1, which
 * every process of the master's own machine shares (limits/clientAddress.ts).
 */
export interface MasterLimits {
  /** A request's headers, and a TLS handshake, must be in within this of the first byte (--headers-timeout). */
  headersTimeoutMs: number;
  /** The whole request, headers and body, within this (--request-timeout); a blocking query waits after it. */
  requestTimeoutMs: number;
  /** A keep-alive connection idle this long between requests is closed (--idle-timeout). */
  idleTimeoutMs: number;
  /** Open connections in all; past it new ones are dropped (--max-conns). */
  maxConnections: number;
  /** Open connections from one client address; past it 429 (--max-conns-per-client). */
  maxConnectionsPerClient: number;
  /** Blocking queries waiting at once for one client address; past it 429 (--max-blocking-per-client). */
  maxBlockingPerClient: number;
  /** Blocking queries waiting at once for one token name (not the anonymous one); past it 429 (--max-blocking-per-token). */
  maxBlockingPerToken: number;
  /** Longest a namePattern or hostPattern may take to match the host names; past it 400 (--pattern-timeout). */
  patternTimeoutMs: number;
  /** A request body, but a sync's, in bytes; past it 413 (--max-body-bytes). */
  maxBodyBytes: number;
  /** A sync request's body in bytes; past it 413 (--max-sync-bytes). */
  maxSyncBytes: number;
  /** A job spec as JSON (core/model/limits.ts `jobBytes`), from POST /jobs or a sync entry (--max-job-bytes). */
  maxJobBytes: number;
  /** Sync requests read or applied at once; past it 503 with Retry-After (--max-concurrent-syncs). */
  maxConcurrentSyncs: number;
  /** The specs the sync build cache keeps over all sources, as JSON bytes (--max-sync-cache-bytes). */
  maxSyncCacheBytes: number;
  /** A page (an agent's desired tasks, GET /jobs, a job's history, asked with limit) ends before this many characters (--max-page-bytes). */
  maxPageBytes: number;
}

export type ResolvedOptions = Required<Omit<MasterOptions, 'logger' | 'tokens' | 'tokenFile' | 'secretsKeyFile' | 'admission' | 'limits' | 'retention'>> & Pick<MasterOptions, 'logger' | 'tokenFile'>
  & { admission: AdmissionPolicy; limits: MasterLimits; retention: Retention };

export const defaults = {
  downAfterMs: 30_000,
  reaperIntervalMs: 5_000,
  maxWaitMs: 5 * 60_000,
  syncMode: 'full' as SyncMode,
  // Short: better-sqlite3 waits on the event loop, every request waits with it.
  busyTimeoutMs: 100,
  // Enough for a master's writes and reads at once; PostgreSQL's max_connections (100 by default) is
  // shared by every master, each also holding two connections of its own (LISTEN, the lease).
  dbPoolSize: 10,
  limits: {
    headersTimeoutMs: 10_000,
    // Room for a 64 MiB sync body over a slow link; an unauthenticated one is refused after its headers.
    requestTimeoutMs: 60_000,
    // fastify's default: longer than a load balancer's usual 60 s, and than any agent's heartbeat.
    idleTimeoutMs: 72_000,
    // Two sockets per agent (long-poll, heartbeat) for a fleet of thousands; keep it under `ulimit -n`.
    maxConnections: 10_000,
    // Nomad's http_max_conns_per_client; an agent's host needs two or three.
    maxConnectionsPerClient: 100,
    // An agent holds one.
    maxBlockingPerClient: 50,
    // A fleet may share one agent token; no token may hold more than half of maxConnections.
    maxBlockingPerToken: 5_000,
    // Every pattern runs on RE2 and is checked between names; ordinary ones take milliseconds for 10,000 hosts.
    patternTimeoutMs: 1_000,
    maxBodyBytes: 1024 ** 2,
    // A 100,000-file repository's first full sync is about 33 MB; with maxConcurrentSyncs, at most
    // 4 × 64 MiB of bodies are held at once.
    maxSyncBytes: DEFAULT_MAX_SYNC_BYTES,
    maxJobBytes: DEFAULT_MAX_JOB_BYTES,
    // Applies run one at a time (one synchronous transaction); more only overlap reading bodies.
    maxConcurrentSyncs: 4,
    // 10,000 jobs are about 3.3 MB; room for dozens of large repositories.
    maxSyncCacheBytes: 128 * 1024 ** 2,
    // Far below V8's 512 MiB string limit whatever the jobs weigh; a page holds one job at least.
    maxPageBytes: 4 * 1024 ** 2,
  } satisfies MasterLimits,
};

/** The limits given, over the defaults (a limit given as undefined keeps its default). */
export const resolveLimits = (given: Partial<MasterLimits> = {}): MasterLimits =>
  ({ ...defaults.limits, ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) });
