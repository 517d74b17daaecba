import pg from 'pg';
import { HeliosError } from '../../../core/index.js';

/** Seconds a client waits before it retries a write that kept conflicting with other masters' writes. */
const BUSY_RETRY_AFTER_S = 1;

/** A serialization failure or a deadlock: the transaction may succeed when run again. */
export const isRetryable = (err: unknown): boolean =>
  err instanceof pg.DatabaseError && (err.code === '40001' || err.code === '40P01');

/**
 * What a PostgreSQL failure means to a client, as a HeliosError keeping the original as `cause`;
 * undefined for anything else (a constraint broken is a bug). SQLSTATE classes: 08 connection,
 * 53 insufficient resources, 57 operator intervention, 40 transaction rollback.
 */
export function postgresStoreError(err: unknown): HeliosError | undefined {
  const cause = { cause: err };
  if (err instanceof pg.DatabaseError) {
    const code = err.code ?? '';
    if (isRetryable(err)) {
      return new HeliosError('DATABASE_BUSY', `the write kept conflicting with other masters' writes: nothing was written; retry in ${BUSY_RETRY_AFTER_S} s`,
        { retryAfter: BUSY_RETRY_AFTER_S }, cause);
    }
    if (code === '53100') {
      return new HeliosError('DISK_FULL', "the disk of the master's PostgreSQL is full: nothing was written (reads still work); free space there, then retry", {}, cause);
    }
    if (code.startsWith('08') || code.startsWith('53') || code.startsWith('57') || code === '25006') {
      return new HeliosError('STORAGE_ERROR', `the master cannot use its PostgreSQL database (${code}: ${err.message}); the master log has the details`, {}, cause);
    }
    return undefined;
  }
  const network = (err as { code?: string } | undefined)?.code;
  if (err instanceof Error && (network?.startsWith('E') || /Connection terminated|connection timeout/i.test(err.message))) {
    return new HeliosError('STORAGE_ERROR', `the master cannot reach its PostgreSQL database (${network ?? err.message}); the master log has the details`, {}, cause);
  }
  return undefined;
}
