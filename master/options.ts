import type { FastifyServerOptions } from 'fastify';
import type { AdmissionPolicy } from '../core/index.js';
import type { TokenEntry } from './auth/tokenFile.js';

export interface MasterOptions {
  /** SQLite file; created with its directory when missing. */
  dbPath: string;
  /** This master's name (GET /masters, `deployerMaster`); defaults to os.hostname(). */
  name?: string;
  /** Bearer tokens; when non-empty every request needs one. A plain string is an admin token. */
  tokens?: ReadonlyArray<TokenEntry | string>;
  /** The token file (--token-file) the tokens came from; `reloadTokens()` reads it again. */
  tokenFile?: string;
  /** A host is DOWN after this long without a heartbeat (default 30 s). */
  downAfterMs?: number;
  /** How often expired jobs are reaped (default 5 s). */
  reaperIntervalMs?: number;
  /**
   * What jobs of non-admin tokens may ask of a host (host paths, network modes, capabilities, unconfined
   * security options); nothing by default (Helios' empty capability allow-list, extended).
   */
  admission?: Partial<AdmissionPolicy>;
  /** Request body limit in bytes (default 1 MiB; the sync endpoint allows 64 MiB). */
  bodyLimit?: number;
  syncBodyLimit?: number;
  /** Longest a blocking query may wait (default 5 min). */
  maxWaitMs?: number;
  /** fastify's logger option (pino); false for silence. */
  logger?: FastifyServerOptions['logger'];
}

export type ResolvedOptions = Required<Omit<MasterOptions, 'logger' | 'tokens' | 'tokenFile' | 'admission'>> & Pick<MasterOptions, 'logger' | 'tokenFile'>
  & { admission: AdmissionPolicy };

export const defaults = {
  downAfterMs: 30_000,
  reaperIntervalMs: 5_000,
  bodyLimit: 1024 * 1024,
  syncBodyLimit: 64 * 1024 * 1024,
  maxWaitMs: 5 * 60_000,
};
