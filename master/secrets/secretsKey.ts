/**
 * The key the master encrypts registry secrets with (--secrets-key-file): 32 random bytes written as
 * 64 hex digits (`openssl rand -hex 32`). The default file is made 0600 at the first login when it is
 * missing (a master that holds no account writes no key); a file others may read is refused, as is one that cannot be read or holds anything else: a master must not start
 * with a key it cannot keep secret, nor with a new one in place of the one its secrets were sealed with.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createPrivateDir } from '../store/privateFiles.js';

export class SecretsKeyError extends Error {
  override name = 'SecretsKeyError';
}

export interface SecretsKeyFile {
  path: string;
  /** Make the file (0600, its folder 0700) when it is missing: the default path only, so a mistyped one is an error. */
  create: boolean;
}

const KEY_HEX = /^[0-9a-fA-F]{64}$/;

/** The key in `path`, or undefined when there is no such file. Throws SecretsKeyError for a file it must not use. */
export function readSecretsKey(path: string): Buffer | undefined {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new SecretsKeyError(`secrets key file ${path} cannot be read: ${code}`);
  }
  if (mode & 0o004) throw new SecretsKeyError(`secrets key file ${path} may be read by any user (mode ${(mode & 0o777).toString(8)}): chmod 600 ${path}`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw new SecretsKeyError(`secrets key file ${path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (!KEY_HEX.test(text)) throw new SecretsKeyError(`secrets key file ${path} must hold 64 hex digits (32 bytes), as openssl rand -hex 32 writes`);
  return Buffer.from(text, 'hex');
}

/** Writes a new random key to `path` (0600, never over a file: one another master made meanwhile is read instead). */
export function makeSecretsKey(path: string): Buffer {
  const key = randomBytes(32);
  try {
    createPrivateDir(dirname(path));
    writeFileSync(path, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readSecretsKey(path)!;
    throw new SecretsKeyError(`secrets key file ${path} cannot be made: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return key;
}

/** The hint for a missing key file that the master may not make. */
export const missingKeyMessage = (path: string) =>
  `secrets key file ${path} does not exist: make one with (umask 077; openssl rand -hex 32 > ${path})`;
