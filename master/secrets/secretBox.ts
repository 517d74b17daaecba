/**
 * Registry secrets at rest: AES-256-GCM from Node's crypto (OpenSSL; no native module of ours, an
 * authenticated cipher, a FIPS-validated primitive), a random 96-bit nonce per sealing, and the
 * account's id as associated data, so a sealed secret copied onto another account's row does not open.
 * Sealed text: `v1:` + base64(nonce ‖ ciphertext ‖ 16-byte tag).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1:';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed secret that does not open: another key, another account's row, or a damaged value. */
export class SecretOpenError extends Error {
  override name = 'SecretOpenError';
}

export interface SecretBox {
  seal(secret: string, accountId: string): string;
  open(sealed: string, accountId: string): string;
}

/** @example const box = createSecretBox(key); box.open(box.seal('s3cret', id), id) // → 's3cret' */
export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('AES-256-GCM needs a 32-byte key');
  return {
    seal(secret, accountId) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(accountId, 'utf8'));
      const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return VERSION + Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64');
    },
    open(sealed, accountId) {
      const bytes = sealed.startsWith(VERSION) ? Buffer.from(sealed.slice(VERSION.length), 'base64') : Buffer.alloc(0);
      if (bytes.length < NONCE_BYTES + TAG_BYTES) throw new SecretOpenError('the sealed secret is damaged');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(accountId, 'utf8'));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretOpenError('the sealed secret does not open with this key: the master was given another --secrets-key-file than the one it was stored with');
      }
    },
  };
}
