import type { FastifyInstance } from 'fastify';
import type { MasterContext } from '../context.js';

/** `GET /metrics`: Prometheus' text format (metrics/masterMetrics.ts); role read, as it names hosts and sources. */
export function metricsRoutes(app: FastifyInstance, ctx: MasterContext): void {
  app.get('/metrics', async (_request, reply) => reply.type(ctx.metrics.contentType).header('Cache-Control', 'no-store').send(await ctx.metrics.render()));
}
