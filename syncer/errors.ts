/**
 * The syncer's own failures: reading the repository (missing branch, auth, network) and bad
 * command-line input. Both leave the master untouched; the reactor logs them and retries.
 */
export class GitSourceError extends Error {
  readonly code = 'GIT_SOURCE_ERROR' as const;
  override name = 'GitSourceError';
  constructor(message: string, readonly data: { repo: string; branch?: string }, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class SyncerUsageError extends Error {
  readonly code = 'INVALID_ARGUMENT' as const;
  override name = 'SyncerUsageError';
}

/** A blob over the size asked for, found from its object header before it was inflated. */
export class BlobTooLargeError extends Error {
  readonly code = 'BLOB_TOO_LARGE' as const;
  override name = 'BlobTooLargeError';
  constructor(readonly data: { oid: string; size: number; maxBytes: number }) {
    super(`object ${data.oid} is ${data.size} bytes, over the ${data.maxBytes} asked for`);
  }
}
