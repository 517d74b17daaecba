import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { HeliosError, isHeliosError } from '../core/index.js';
import { createLogThrottle } from './limits/logThrottle.js';
import { formatBytes } from './limits/byteSize.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The flag that sets this route's body limit, named when a body is over it (default --max-body-bytes). */
    bodyLimitFlag?: string;
  }
}

/**
 * The one place errors become responses: a HeliosError answers with its code's HTTP status and
 * `{ status, message, ...data }`; fastify's own client errors (bad JSON, body too large, wrong
 * content type) become INVALID_REQUEST or PAYLOAD_TOO_LARGE; a failure of the database's environment
 * (a full disk, a lock held by another process, an I/O error) is what `storeError` makes of it
 * (DISK_FULL, DATABASE_BUSY, STORAGE_ERROR), logged at most once per code every 5 s; anything else is
 * a bug, logged, and answered INTERNAL_ERROR without its details. An error with `retryAfter` in its
 * data answers with that Retry-After header.
 */
export function installErrorHandler(app: FastifyInstance, storeError: (err: unknown) => HeliosError | undefined): void {
  // A full disk fails every write, heartbeats included: one line per code and interval, not thousands.
  const storageLog = createLogThrottle({ intervalMs: 5_000 });
  app.setErrorHandler((err: FastifyError | HeliosError, request, reply) => {
    const fromStore = isHeliosError(err) ? undefined : storeError(err);
    const error = fromStore ?? toHeliosError(err, request);
    const logged = fromStore && storageLog.take(fromStore.code);
    if (logged) request.log.error({ err, suppressed: logged.suppressed }, 'database failure');
    if (error.code === 'INTERNAL_ERROR') request.log.error({ err }, 'request failed');
    if (typeof error.data.retryAfter === 'number') reply.header('Retry-After', String(error.data.retryAfter));
    return reply.code(error.httpStatus).send(error.toBody());
  });

  app.setNotFoundHandler((request, reply) => {
    const error = new HeliosError('NOT_FOUND', `no endpoint ${request.method} ${request.url.split('?')[0]}`);
    return reply.code(404).send(error.toBody());
  });
}

function toHeliosError(err: FastifyError | HeliosError, request: FastifyRequest): HeliosError {
  if (isHeliosError(err)) return err;
  const status = (err as FastifyError).statusCode ?? 500;
  const code = (err as FastifyError).code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) {
    const flag = request.routeOptions.config?.bodyLimitFlag ?? '--max-body-bytes';
    const limit = request.routeOptions.bodyLimit;
    return new HeliosError('PAYLOAD_TOO_LARGE', `request body is over ${limit ? `${formatBytes(limit)}, ` : ''}the master's ${flag}`, { limit: flag });
  }
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new HeliosError('INVALID_REQUEST', `${err.message}: send Content-Type: application/json`);
  }
  if (err instanceof SyntaxError || code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new HeliosError('INVALID_REQUEST', `body is not valid JSON: ${err.message}`);
  }
  if (status >= 400 && status < 500) return new HeliosError('INVALID_REQUEST', err.message, { code });
  return new HeliosError('INTERNAL_ERROR', 'internal error; the master log has the details', {}, { cause: err });
}
