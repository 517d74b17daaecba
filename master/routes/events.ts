import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ChangeEvent, HelloEvent } from '../../core/index.js';
import type { MasterContext } from '../context.js';
import type { ChangeFeed } from '../events/changeFeed.js';

/** A comment line this often keeps proxies (and the browser) from taking a quiet stream for a dead one. */
const KEEPALIVE_MS = 15_000;
/** What a browser's EventSource waits before reconnecting (the dashboard reconnects itself, on the same advice). */
const RETRY_MS = 1_000;

const frame = (event: string, data: ChangeEvent | HelloEvent, id?: number) =>
  `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * `GET /events` (role read): the change stream of core/schema/events.ts, for the dashboard. Each
 * stream holds a blocking-query slot of its client (--max-blocking-per-client) while it is open; the
 * master's shutdown ends every stream.
 */
export function eventsRoutes(app: FastifyInstance, ctx: MasterContext, feed: ChangeFeed): void {
  const open = new Set<PassThrough>();
  app.addHook('preClose', async () => { for (const stream of open) stream.end(); });

  app.get('/events', async (request, reply) => {
    app.blockingSlots.hold(request, reply);
    const stream = new PassThrough();
    open.add(stream);
    stream.write(`retry: ${RETRY_MS}\n${frame('hello', { index: await ctx.store.index() })}`);
    const unsubscribe = feed.subscribe((event) => stream.write(frame('change', event, event.index)));
    const keepalive = setInterval(() => stream.write(': keepalive\n\n'), KEEPALIVE_MS);
    const end = () => {
      clearInterval(keepalive);
      unsubscribe();
      open.delete(stream);
      stream.end();
    };
    reply.raw.once('close', end);
    stream.once('end', end);
    return reply.type('text/event-stream; charset=utf-8').header('Cache-Control', 'no-store').header('X-Accel-Buffering', 'no').send(stream);
  });
}
