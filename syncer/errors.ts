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
