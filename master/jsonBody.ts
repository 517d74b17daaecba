import type { FastifyInstance } from 'fastify';
import { invalidRequest } from '../core/index.js';

class ForbiddenKey extends Error {}

/** Rejects `__proto__` and `constructor.prototype` keys, which could poison objects built from the body. */
function reviver(key: string, value: unknown): unknown {
  if (key === '__proto__' || (key === 'constructor' && typeof value === 'object' && value !== null && 'prototype' in value)) {
    throw new ForbiddenKey(`body has a forbidden key ${key}`);
  }
  return value;
}

/**
 * The JSON body parser, with messages that say what is wrong (fastify's default drops the cause).
 * Only bodies that mention a dangerous key pay for the checking reviver.
 */
export function installJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(invalidRequest('body is empty; send a JSON document'), undefined);
    try {
      const risky = text.includes('__proto__') || text.includes('constructor');
      done(null, risky ? JSON.parse(text, reviver) : JSON.parse(text));
    } catch (err) {
      const message = err instanceof ForbiddenKey ? err.message : `body is not valid JSON: ${(err as Error).message}`;
      done(invalidRequest(message), undefined);
    }
  });
}
