import type { ServerOptions as HttpsOptions } from 'node:https';
import type { MasterLimits } from '../options.js';

/**
 * The fastify options for the server's timeouts. Node closes a connection whose headers are not all
 * in within `headersTimeoutMs` of its first byte (a connection that sends nothing included), or
 * whose request, headers and body, is not all in within `requestTimeoutMs`, answering 408. A blocking
 * query's wait starts once its request is read, so it is not cut by either (test/master.limits.test.ts
 * checks a wait longer than the request timeout). `idleTimeoutMs` closes a keep-alive connection
 * between requests (node adds a second of grace). Node checks the first two every
 * `connectionsCheckingInterval`: a quarter of the shorter one, at most a second (node's default is 30 s).
 * A TLS handshake gets `headersTimeoutMs` too (node's default is 120 s).
 */
export function serverTimeouts(limits: Pick<MasterLimits, 'headersTimeoutMs' | 'requestTimeoutMs' | 'idleTimeoutMs'>, https: HttpsOptions | undefined) {
  const checks = {
    headersTimeout: limits.headersTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4))),
  };
  return {
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.idleTimeoutMs,
    http: checks,
    https: https ? { ...https, ...checks, handshakeTimeout: limits.headersTimeoutMs } : null,
  };
}
