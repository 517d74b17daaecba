import type { FastifyServerOptions } from 'fastify';

export interface MasterOptions {
  /** SQLite file; created with its directory when missing. */
  dbPath: string;
  /** This master's name (GET /masters, `deployerMaster`); defaults to os.hostname(). */
  name?: string;
  /** Bearer tokens; when non-empty every request needs one. */
  tokens?: readonly string[];
  /** A host is DOWN after this long without a heartbeat (default 30 s). */
  downAfterMs?: number;
  /** How often expired jobs are reaped (default 5 s). */
  reaperIntervalMs?: number;
  /** Capabilities jobs may add (`addCapabilities`); empty by default, as in Helios. */
  allowedCapabilities?: readonly string[];
  /** Request body limit in bytes (default 1 MiB; the sync endpoint allows 64 MiB). */
  bodyLimit?: number;
  syncBodyLimit?: number;
  /** Longest a blocking query may wait (default 5 min). */
  maxWaitMs?: number;
  /** fastify's logger option (pino); false for silence. */
  logger?: FastifyServerOptions['logger'];
}

export type ResolvedOptions = Required<Omit<MasterOptions, 'logger'>> & Pick<MasterOptions, 'logger'>;

export const defaults = {
  downAfterMs: 30_000,
  reaperIntervalMs: 5_000,
  bodyLimit: 1024 * 1024,
  syncBodyLimit: 64 * 1024 * 1024,
  maxWaitMs: 5 * 60_000,
};
