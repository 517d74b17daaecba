import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { buildJob, jobNotFound, type JobStatus } from '../../core/index.js';
import type { CreateJobResponse, OkResponse } from '../../core/client/createClient.js';
import { actorOf, type MasterContext } from '../context.js';
import type { Queries } from '../store/store.js';
import { createJob, findJob, removeJob } from '../actions/jobs.js';
import { jobStatus } from '../views.js';
import { admitJob } from '../auth/admit.js';
import { namesMatching } from '../namePatterns.js';
import { checkJobSize } from '../limits/jobSize.js';
import { GuardQuery, JobParams, NameList } from './schemas.js';
import { nextField } from '../store/page.js';

const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 1000 })),
  hostPattern: Type.Optional(Type.String({ maxLength: 1000 })),
  /** One page of at most this many jobs (and --max-page-bytes), as {jobs, next}; without it, Helios' whole map. */
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  /** The page after this job id (the previous page's `next`). */
  after: Type.Optional(Type.String({ maxLength: 1000 })),
});

/** Jobs: list, get, create (the master computes the id), remove, status. */
export function jobsRoutes(app: FastifyInstance, ctx: MasterContext): void {
  const { store } = ctx;

  // The list is spliced from the stored JSON texts (store/jobs.ts `jobJson`): 10,000 jobs are about
  // 3 MB, and parsing each spec only to serialize it again was most of the request's time. Without
  // `limit` it is Helios' map of every job; with it, one page `{jobs: {…}, next}` (store/page.ts).
  app.get<{ Querystring: Static<typeof ListQuery> }>('/jobs', { schema: { querystring: ListQuery } }, async (request, reply) => {
    const { q, hostPattern, limit, after } = request.query;
    const body = await store.read(async (r) => {
      const onHosts = hostPattern === undefined || hostPattern === '' ? undefined : await jobIdsOnHosts(r, hostPattern);
      const keep = (id: string) => (!q || id.includes(q)) && (!onHosts || onHosts.has(id));
      if (limit === undefined) {
        return `{${(await r.jobs.listJson()).filter(([id]) => keep(id)).map(([id, json]) => `${JSON.stringify(id)}:${json}`).join(',')}}`;
      }
      const page = await r.jobs.pageJson(after ?? '', limit, ctx.options.limits.maxPageBytes, keep);
      return `{"jobs":{${page.texts.join(',')}}${nextField(page)}}`;
    });
    return reply.type('application/json; charset=utf-8').send(body);
  });

  /** The jobs deployed on a host `pattern` matches. */
  async function jobIdsOnHosts(q: Queries, pattern: string): Promise<Set<string>> {
    const pairs = await q.deployments.hostJobPairs();
    const hosts = new Set(namesMatching('hostPattern', pattern, [...new Set(pairs.map(([host]) => host))], ctx.options.limits.patternTimeoutMs));
    return new Set(pairs.filter(([host]) => hosts.has(host)).map(([, jobId]) => jobId));
  }

  app.get<{ Params: Static<typeof JobParams> }>('/jobs/:id', { schema: { params: JobParams } }, async (request) => {
    const job = await findJob(store, request.params.id);
    if (!job) throw jobNotFound(request.params.id);
    return job;
  });

  app.post('/jobs', async (request, reply): Promise<CreateJobResponse> => {
    const actor = actorOf(ctx, request);
    checkJobSize(request.body, ctx.options.limits.maxJobBytes);
    const { job, warnings } = buildJob(request.body);
    admitJob(request, ctx.options.admission, job);
    const stored = await store.write((tx) => createJob(tx, job, actor));
    request.log.info({ jobId: stored.id, owner: actor.owner }, 'job created');
    reply.code(200);
    return { status: 'OK', id: stored.id, job: stored, warnings };
  });

  app.delete<{ Params: Static<typeof JobParams>; Querystring: Static<typeof GuardQuery> }>('/jobs/:id',
    { schema: { params: JobParams, querystring: GuardQuery } }, async (request): Promise<OkResponse> => {
      const actor = actorOf(ctx, request, request.query);
      const id = (await findJob(store, request.params.id))?.id ?? request.params.id;
      await store.write((tx) => removeJob(tx, id, actor));
      request.log.info({ jobId: id }, 'job removed');
      return { status: 'OK' };
    });

  app.get<{ Params: Static<typeof JobParams> }>('/jobs/:id/status', { schema: { params: JobParams } }, async (request) =>
    store.read(async (q) => {
      const job = await findJob(q, request.params.id);
      if (!job) throw jobNotFound(request.params.id);
      return jobStatus(q, job);
    }));

  const Ids = NameList('job ids');
  app.post<{ Body: Static<typeof Ids> }>('/jobs/statuses', { schema: { body: Ids } }, async (request) =>
    store.read(async (q) => {
      const result: Record<string, JobStatus> = {};
      for (const id of request.body) {
        const job = await findJob(q, id);
        if (job) result[id] = await jobStatus(q, job);
      }
      return result;
    }));
}
