import { closeSync, fsync, openSync } from 'node:fs';

/**
 * `--sync-mode`: how a write is made durable before it is acknowledged. The database runs in WAL
 * mode with `synchronous=NORMAL`: a commit is written to the WAL (so a kill -9 of the master loses
 * nothing) and fsynced only at checkpoints.
 * - `full` (default): an answer to a write goes out only after an fsync of the WAL that began after
 *   the write committed, so an acknowledged write survives a power loss or an OS crash, as with
 *   SQLite's `synchronous=FULL`. Unlike FULL, the fsync runs off the event loop (libuv's thread
 *   pool) and one fsync serves every write committed before it began: a burst of writes costs a few
 *   fsyncs, and nothing else waits for the disk meanwhile (group commit, as PostgreSQL and etcd do).
 * - `normal`: no fsync before the answer: a power loss may undo the writes acknowledged since the
 *   last checkpoint (up to about 4 MB of WAL), never corrupting the file.
 */
export type SyncMode = 'full' | 'normal';
export const syncModes: readonly SyncMode[] = ['full', 'normal'];

export interface DurableCommits {
  /** A durable write has committed (its answer must wait for `flushed()`). */
  committed(): void;
  /** Resolves once every write committed so far is on disk; undefined when nothing waits. */
  flushed(): Promise<void> | undefined;
  close(): void;
}

/** Group commit over the WAL file `walPath`, which SQLite created 0600 beside the database. */
export function createDurableCommits(walPath: string, mode: SyncMode): DurableCommits {
  if (mode === 'normal') return { committed: () => {}, flushed: () => undefined, close: () => {} };
  // SQLite holds no lock on the -wal file (WAL mode locks the -shm), so this descriptor's close
  // cannot drop one. The file keeps its inode while the database is open: a WAL reset rewrites it.
  const fd = openSync(walPath, 'r+');
  let written = 0;
  let synced = 0;
  let inFlight: Promise<void> | undefined;

  const syncNow = (): Promise<void> => {
    const upTo = written;
    return new Promise((resolve, reject) => fsync(fd, (err) => {
      inFlight = undefined;
      if (err) return reject(err);
      synced = Math.max(synced, upTo);
      resolve();
    }));
  };
  const waitFor = async (target: number): Promise<void> => {
    // An fsync already running may have begun before this write: then the next one covers it.
    while (synced < target) await (inFlight ??= syncNow());
  };
  return {
    committed: () => { written += 1; },
    flushed: () => (synced >= written ? undefined : waitFor(written)),
    close: () => {
      if (inFlight) void inFlight.finally(() => closeSync(fd)).catch(() => {});
      else closeSync(fd);
    },
  };
}
