import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * A salted scrypt digest of a secret, `scrypt:<salt hex>:<digest hex>`: enough to tell whether a secret
 * changed (a rotated registry password) without keeping it, and slow to guess from. The Pulumi
 * provider stores it in place of the password.
 */
export async function secretDigest(secret: string, salt = randomBytes(16).toString('hex')): Promise<string> {
  return `scrypt:${salt}:${(await scryptHex(secret, salt)).toString('hex')}`;
}

/** Whether `secret` is the one `digest` was made of; false for anything that is not such a digest. */
export async function matchesSecretDigest(secret: string, digest: unknown): Promise<boolean> {
  const parts = typeof digest === 'string' ? /^scrypt:([0-9a-f]{32}):([0-9a-f]{64})$/.exec(digest) : null;
  if (!parts) return false;
  return timingSafeEqual(await scryptHex(secret, parts[1]), Buffer.from(parts[2], 'hex'));
}

const scryptHex = (secret: string, salt: string) => new Promise<Buffer>((resolve, reject) => {
  scrypt(secret, salt, 32, (err, key) => (err ? reject(err) : resolve(key)));
});
