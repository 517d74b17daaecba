import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { jobNotFound } from '../../core/index.js';
import type { MasterContext } from '../context.js';
import { findJob } from '../actions/jobs.js';
import { JobParams } from './schemas.js';
import { nextField } from '../store/page.js';

const HistoryQuery = Type.Object({
  /** One page of at most this many events (and --max-page-bytes), with `next`; without it, every event. */
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  /** The page after this event (the previous page's `next`). */
  after: Type.Optional(Type.Integer({ minimum: 0 })),
});

/** Task history of a job on every host, in arrival order (kept after the job is removed for --history-retention). */
export function historyRoutes(app: FastifyInstance, ctx: MasterContext): void {
  const { store } = ctx;
  app.get<{ Params: Static<typeof JobParams>; Querystring: Static<typeof HistoryQuery> }>('/history/jobs/:id',
    { schema: { params: JobParams, querystring: HistoryQuery } }, async (request, reply) => {
      const { limit, after } = request.query;
      const body = await store.read(async (q) => {
        const id = (await findJob(q, request.params.id))?.id ?? request.params.id;
        // No event and no job: a job id nobody knows (a removed job's history stays a while).
        const unknown = async () => await q.jobs.get(id) === undefined;
        if (limit === undefined) {
          const events = await q.statuses.history(id);
          if (events.length === 0 && await unknown()) throw jobNotFound(request.params.id);
          return { events };
        }
        const page = await q.statuses.historyPage(id, after ?? 0, limit, ctx.options.limits.maxPageBytes);
        if (page.texts.length === 0 && after === undefined && await unknown()) throw jobNotFound(request.params.id);
        return `{"events":[${page.texts.join(',')}]${nextField(page)}}`;
      });
      return typeof body === 'string' ? reply.type('application/json; charset=utf-8').send(body) : body;
    });
}
