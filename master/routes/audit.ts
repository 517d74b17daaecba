import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AuditEvent } from '../../core/index.js';
import type { MasterContext } from '../context.js';
import { findJob } from '../actions/jobs.js';
import { HostName, JobIdParam } from './schemas.js';

const AuditQuery = Type.Object({
  job: Type.Optional(JobIdParam),
  host: Type.Optional(HostName),
  before: Type.Optional(Type.Integer({ minimum: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});

/** `GET /audit`: who changed what, newest first, a page at a time (`before` = the last seq seen). */
export function auditRoutes(app: FastifyInstance, ctx: MasterContext): void {
  app.get<{ Querystring: Static<typeof AuditQuery> }>('/audit', { schema: { querystring: AuditQuery } }, async (request): Promise<{ events: AuditEvent[] }> => {
    const { job, host, before, limit } = request.query;
    const jobId = job === undefined ? undefined : (await findJob(ctx.store, job))?.id ?? job;
    return { events: await ctx.store.audit.list({ jobId, host, before, limit: limit ?? 100 }) };
  });
}
