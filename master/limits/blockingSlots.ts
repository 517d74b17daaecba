import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HeliosError } from '../../core/index.js';
import type { MasterLimits } from '../options.js';
import { countedAddress } from './clientAddress.js';
import { createKeyedCounter } from './keyedCounter.js';

/** A slot frees when a waiting query answers or its client goes: about as often as deploys happen. */
const RETRY_AFTER_S = 5;

export interface BlockingSlots {
  /**
   * Takes a slot for `request`'s blocking query until its response closes (answered, or the client
   * gone). Throws TOO_MANY_REQUESTS, with Retry-After set on `reply`, when its address (see
   * clientAddress.ts) or its token name already holds as many as the limits allow.
   */
  hold(request: FastifyRequest, reply: FastifyReply): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Set by installBlockingSlots: how many blocking queries one client may hold at once. */
    blockingSlots: BlockingSlots;
  }
}

/**
 * Each waiting query holds a socket, a timer and, on every change of its host, one serialisation of
 * the host's whole desired set; a cap per address and per token keeps one client (or one leaked
 * token) from multiplying that. The anonymous principal (a master without tokens) names nobody, so
 * only its address counts.
 */
export function createBlockingSlots(limits: Pick<MasterLimits, 'maxBlockingPerClient' | 'maxBlockingPerToken'>): BlockingSlots {
  const byAddress = createKeyedCounter();
  const byToken = createKeyedCounter();

  function refuse(reply: FastifyReply, message: string, data: Record<string, unknown>): never {
    reply.header('Retry-After', String(RETRY_AFTER_S));
    throw new HeliosError('TOO_MANY_REQUESTS', `${message}; retry in ${RETRY_AFTER_S} s`, { ...data, retryAfter: RETRY_AFTER_S });
  }

  return {
    hold(request, reply) {
      const address = countedAddress(request.ip);
      const principal = request.principal as FastifyRequest['principal'] | null;
      const token = principal && !principal.anonymous ? principal.name : undefined;
      if (address !== undefined && byAddress.count(address) >= limits.maxBlockingPerClient) {
        refuse(reply, `${address} holds ${limits.maxBlockingPerClient} blocking queries already (--max-blocking-per-client)`, { limit: 'per-client' });
      }
      if (token !== undefined && byToken.count(token) >= limits.maxBlockingPerToken) {
        refuse(reply, `token "${token}" holds ${limits.maxBlockingPerToken} blocking queries already (--max-blocking-per-token)`, { limit: 'per-token' });
      }
      if (address !== undefined) byAddress.add(address);
      if (token !== undefined) byToken.add(token);
      reply.raw.once('close', () => {
        if (address !== undefined) byAddress.remove(address);
        if (token !== undefined) byToken.remove(token);
      });
    },
  };
}

export function installBlockingSlots(app: FastifyInstance, limits: Pick<MasterLimits, 'maxBlockingPerClient' | 'maxBlockingPerToken'>): void {
  app.decorate('blockingSlots', createBlockingSlots(limits));
}
