import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export type WebhookProvider = 'github' | 'gitlab';

/**
 * Who signed a webhook call, decided from its headers alone so that a call that cannot be genuine is
 * refused before a byte of its body is read: GitLab's `X-Gitlab-Token` is the secret itself (compared
 * now); GitHub's `X-Hub-Signature-256` must be well-formed now and match the body's HMAC at its end.
 */
export type SignedBy =
  | { provider: 'github'; signature: Buffer }
  | { provider: 'gitlab' }
  | { refused: string };

export function checkHeaders(headers: IncomingHttpHeaders, secret: string): SignedBy {
  const signature = single(headers['x-hub-signature-256']);
  if (signature !== undefined) {
    const match = /^sha256=([0-9a-f]{64})$/i.exec(signature.trim());
    return match ? { provider: 'github', signature: Buffer.from(match[1], 'hex') } : { refused: 'malformed X-Hub-Signature-256' };
  }
  const token = single(headers['x-gitlab-token']);
  if (token !== undefined) return sameSecret(token, secret) ? { provider: 'gitlab' } : { refused: 'wrong X-Gitlab-Token' };
  return { refused: 'unsigned' };
}

/** The HMAC-SHA256 a GitHub body must have, or (GitLab) a plain SHA-256, the body's replay key. */
export function bodyHasher(provider: WebhookProvider, secret: string): Hmac | Hash {
  return provider === 'github' ? createHmac('sha256', secret) : createHash('sha256');
}

export const signatureMatches = (expected: Buffer, digest: Buffer) => timingSafeEqual(expected, digest);

/** Hashes both sides so that the comparison takes the same time whatever the lengths. */
export function sameSecret(given: string, secret: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(secret));
}

export const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
