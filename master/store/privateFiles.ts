import { closeSync, mkdirSync, openSync } from 'node:fs';

/**
 * The master's files hold every job's env (review L3): its database is created 0600 (SQLite gives
 * the -wal and -shm files the database's mode) and the folders it creates 0700, as kubelet and Nomad
 * keep theirs. Files and folders that exist keep their mode: an operator may have chosen it.
 */
export function createPrivateFile(path: string): void {
  try {
    // O_EXCL: an existing file is never opened here, since closing any descriptor of a file drops
    // the fcntl locks this process holds on it (the master's lock, dbLock.ts, is one).
    closeSync(openSync(path, 'wx', 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** Creates `dir` and its missing parents 0700. */
export function createPrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}
