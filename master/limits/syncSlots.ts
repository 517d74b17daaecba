import type { FastifyReply, FastifyRequest } from 'fastify';
import { HeliosError } from '../../core/index.js';

/** An apply of a large repository takes a few seconds; a 10,000-file one well under one. */
const RETRY_AFTER_S = 2;

/**
 * At most `max` sync requests at once, from their headers on: each holds its body (up to
 * --max-sync-bytes), its parsed entries and its built jobs until it answers, so the cap bounds that
 * memory. Applies run one at a time anyway (one synchronous transaction each); more slots only let
 * bodies arrive while another applies. Taken in an onRequest hook, before the body is read.
 */
export function createSyncSlots(max: number) {
  let held = 0;
  return {
    /** Takes a slot until `reply` closes; throws SERVER_BUSY, with Retry-After set, when all are held. */
    async onRequest(_request: FastifyRequest, reply: FastifyReply): Promise<void> {
      if (held >= max) {
        reply.header('Retry-After', String(RETRY_AFTER_S));
        throw new HeliosError('SERVER_BUSY', `the master is already reading or applying ${max} sync requests (--max-concurrent-syncs); retry in ${RETRY_AFTER_S} s`,
          { limit: '--max-concurrent-syncs', retryAfter: RETRY_AFTER_S });
      }
      held += 1;
      reply.raw.once('close', () => { held -= 1; });
    },
  };
}
