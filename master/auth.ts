import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { HeliosError } from '../core/index.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** With tokens configured, every request needs `Authorization: Bearer <one of them>`. */
export function installAuth(app: FastifyInstance, tokens: readonly string[]): void {
  if (tokens.length === 0) return;
  const known = tokens.map(digest);
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new HeliosError('UNAUTHORIZED', 'this master needs a bearer token: set HELIOS_TOKEN (Authorization: Bearer <token>)');
    const given = digest(match[1]);
    if (!known.some((k) => timingSafeEqual(k, given))) throw new HeliosError('UNAUTHORIZED', 'the bearer token is not one this master accepts');
  });
}

/** Reads a token file: one token per line; blank lines and `#` comments are ignored. */
export function parseTokenFile(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}
