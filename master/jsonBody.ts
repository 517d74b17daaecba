import type { FastifyInstance } from 'fastify';
import { invalidRequest } from '../core/index.js';
import { isForbiddenKey } from '../core/model/limits.js';

class ForbiddenKey extends Error {}

/** Rejects `__proto__` and `constructor.prototype` keys, which could poison objects built from the body. */
function reviver(key: string, value: unknown): unknown {
  if (isForbiddenKey(key, value)) {
    throw new ForbiddenKey(`body has a forbidden key ${key}`);
  }
  return value;
}

/** Methods whose routes read no body: curl scripts send `Content-Type: application/json` with them anyway. */
const BODILESS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

/**
 * The JSON body parser, with messages that say what is wrong (fastify's default drops the cause).
 * Only bodies that mention a dangerous key pay for the checking reviver. An empty body is no body
 * for a GET or DELETE, and an error for the methods that need one.
 */
export function installJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text.trim() === '') {
      return BODILESS.has(request.method) ? done(null, undefined) : done(invalidRequest('body is empty; send a JSON document'), undefined);
    }
    try {
      const risky = text.includes('__proto__') || text.includes('constructor');
      done(null, risky ? JSON.parse(text, reviver) : JSON.parse(text));
    } catch (err) {
      const message = err instanceof ForbiddenKey ? err.message : `body is not valid JSON: ${(err as Error).message}`;
      done(invalidRequest(message), undefined);
    }
  });
}
