import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { buildJob, jobNotFound, type JobStatus } from '../../core/index.js';
import type { CreateJobResponse, OkResponse } from '../../core/client/createClient.js';
import { actorOf, type MasterContext } from '../context.js';
import { createJob, findJob, removeJob } from '../actions/jobs.js';
import { jobStatus } from '../views.js';
import { admitJob } from '../auth/admit.js';
import { namesMatching } from '../namePatterns.js';
import { checkJobSize } from '../limits/jobSize.js';
import { GuardQuery, JobParams, NameList } from './schemas.js';

const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 1000 })),
  hostPattern: Type.Optional(Type.String({ maxLength: 1000 })),
});

/** Jobs: list, get, create (the master computes the id), remove, status. */
export function jobsRoutes(app: FastifyInstance, ctx: MasterContext): void {
  const { store } = ctx;

  // The list is spliced from the stored JSON texts (store/jobs.ts `jobJson`): 10,000 jobs are about
  // 3 MB, and parsing each spec only to serialize it again was most of the request's time.
  app.get<{ Querystring: Static<typeof ListQuery> }>('/jobs', { schema: { querystring: ListQuery } }, async (request, reply) => {
    const { q, hostPattern } = request.query;
    const body = store.read(() => {
      let jobs = store.jobs.listJson();
      if (q) jobs = jobs.filter(([id]) => id.includes(q));
      if (hostPattern) {
        const pairs = store.deployments.hostJobPairs();
        const hosts = new Set(namesMatching('hostPattern', hostPattern, [...new Set(pairs.map(([host]) => host))], ctx.options.limits.patternTimeoutMs));
        const onHosts = new Set(pairs.filter(([host]) => hosts.has(host)).map(([, jobId]) => jobId));
        jobs = jobs.filter(([id]) => onHosts.has(id));
      }
      return `{${jobs.map(([id, json]) => `${JSON.stringify(id)}:${json}`).join(',')}}`;
    });
    return reply.type('application/json; charset=utf-8').send(body);
  });

  app.get<{ Params: Static<typeof JobParams> }>('/jobs/:id', { schema: { params: JobParams } }, async (request) => {
    const job = findJob(store, request.params.id);
    if (!job) throw jobNotFound(request.params.id);
    return job;
  });

  app.post('/jobs', async (request, reply): Promise<CreateJobResponse> => {
    const actor = actorOf(ctx, request);
    checkJobSize(request.body, ctx.options.limits.maxJobBytes);
    const { job, warnings } = buildJob(request.body);
    admitJob(request, ctx.options.admission, job);
    const stored = store.write((tx) => createJob(store, tx, job, actor));
    request.log.info({ jobId: stored.id, owner: actor.owner }, 'job created');
    reply.code(200);
    return { status: 'OK', id: stored.id, job: stored, warnings };
  });

  app.delete<{ Params: Static<typeof JobParams>; Querystring: Static<typeof GuardQuery> }>('/jobs/:id',
    { schema: { params: JobParams, querystring: GuardQuery } }, async (request): Promise<OkResponse> => {
      const actor = actorOf(ctx, request, request.query);
      const id = findJob(store, request.params.id)?.id ?? request.params.id;
      store.write((tx) => removeJob(store, tx, id, actor));
      request.log.info({ jobId: id }, 'job removed');
      return { status: 'OK' };
    });

  app.get<{ Params: Static<typeof JobParams> }>('/jobs/:id/status', { schema: { params: JobParams } }, async (request) =>
    store.read(() => {
      const job = findJob(store, request.params.id);
      if (!job) throw jobNotFound(request.params.id);
      return jobStatus(ctx, job);
    }));

  const Ids = NameList('job ids');
  app.post<{ Body: Static<typeof Ids> }>('/jobs/statuses', { schema: { body: Ids } }, async (request) =>
    store.read(() => {
      const result: Record<string, JobStatus> = {};
      for (const id of request.body) {
        const job = findJob(store, id);
        if (job) result[id] = jobStatus(ctx, job);
      }
      return result;
    }));
}
