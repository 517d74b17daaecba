import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import {
  HeartbeatRequestSchema, HeliosError, hostNotFound, StatusReportSchema,
  type DesiredTasks, type HeartbeatRequest, type HeartbeatResponse, type RegistryAuthAnswer, type StatusReport,
} from '../../core/index.js';
import type { OkResponse } from '../../core/client/createClient.js';
import type { MasterContext } from '../context.js';
import type { Queries } from '../store/store.js';
import { HostParams, JobIdParam } from './schemas.js';
import { accountFor, credentialOf } from '../actions/registryAccounts.js';
import { clusterGuard } from './clusterGuard.js';
import { nextField } from '../store/page.js';
import { createLogThrottle } from '../limits/logThrottle.js';

const TasksQuery = Type.Object({
  index: Type.Integer({ minimum: 0 }),
  wait: Type.Optional(Type.Integer({ minimum: 0 })),
  /** The asking agent's registration id (see registeredHost). */
  id: Type.String({ minLength: 1, maxLength: 200 }),
  /** Answer one page of at most this many tasks (and --max-page-bytes); without it, the whole set. */
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  /** The page after this job id (the previous page's `next`). */
  after: Type.Optional(Type.String({ maxLength: 1000 })),
});

const RegistryAuthQuery = Type.Object({
  job: JobIdParam,
  /** The asking agent's registration id (see registeredHost). */
  id: Type.String({ minLength: 1, maxLength: 200 }),
});

/**
 * The host's record, when `agentId` is the agent registered for it: a second agent started under the
 * same name, or an old one after another took the host over, must neither receive the host's tasks
 * nor overwrite its statuses. The registered id is never told: it is what tells agents apart.
 */
async function registeredHost(q: Queries, host: string, agentId: string) {
  return byAgent(host, await q.hosts.get(host), agentId);
}

/** What was read of `host`, when `agentId` is the agent it is registered by. */
function byAgent<T extends { agentId: string }>(host: string, record: T | undefined, agentId: string): T {
  if (!record) throw hostNotFound(host);
  if (record.agentId !== agentId) {
    throw new HeliosError('HOST_ID_MISMATCH', `host ${host} is registered by another agent; register again`, { host });
  }
  return record;
}

/**
 * The agent protocol (see core/schema/protocol.ts): heartbeat, the blocking query for a host's
 * desired tasks, and status reports. An unknown host gets HOST_NOT_FOUND so the agent re-registers;
 * an agent of another cluster gets CLUSTER_MISMATCH (clusterGuard).
 */
export function agentsRoutes(app: FastifyInstance, ctx: MasterContext): void {
  const { store, notifier } = ctx;
  const onRequest = clusterGuard(ctx);
  const ignoredLog = createLogThrottle({ intervalMs: 60_000 });

  app.post<{ Params: Static<typeof HostParams>; Body: HeartbeatRequest }>('/agents/:host/heartbeat',
    { onRequest, schema: { params: HostParams, body: HeartbeatRequestSchema } }, async (request): Promise<HeartbeatResponse> => {
      const { host } = request.params;
      await store.write(async (tx) => {
        await registeredHost(tx, host, request.body.id);
        await tx.hosts.heartbeat(host, request.body, Date.now(), tx.index);
      }, { durable: false }); // the next heartbeat comes within seconds: no fsync of its own (store/durableCommits.ts)
      return { downAfterMs: ctx.options.downAfterMs };
    });

  app.get<{ Params: Static<typeof HostParams>; Querystring: Static<typeof TasksQuery> }>('/agents/:host/tasks',
    { onRequest, schema: { params: HostParams, querystring: TasksQuery } }, async (request, reply): Promise<DesiredTasks | FastifyReply> => {
      const { host } = request.params;
      const { index, id, limit, after } = request.query;
      const wait = Math.min(request.query.wait ?? 0, ctx.options.maxWaitMs);
      await registeredHost(store, host, id);
      const desired = async (q: Queries) => {
        const value = await q.hosts.desiredIndex(host);
        if (value === undefined) throw hostNotFound(host);
        return value;
      };
      let current = await desired(store);
      // Within one database a host's desired index only grows, so an index past it means the agent knew
      // another database (a restored one): answer at once. Wait only while the index is the current one.
      if (current === index && wait > 0) {
        app.blockingSlots.hold(request, reply);
        const gone = new AbortController();
        const onClose = () => gone.abort();
        reply.raw.once('close', onClose);
        const deadline = Date.now() + wait;
        try {
          while (current <= index && !gone.signal.aborted && !notifier.closed && Date.now() < deadline) {
            await notifier.wait(host, Math.min(deadline - Date.now(), store.recheckMs ?? Infinity), gone.signal);
            current = await desired(store);
          }
        } finally {
          reply.raw.off('close', onClose);
        }
        // Released by the master's shutdown: its connection goes with the answer. The server closed its
        // idle connections when the shutdown began, and this answer may come after (a read on
        // PostgreSQL): kept alive, the connection would hold the close until its grace ran out (1 s).
        if (notifier.closed) reply.header('connection', 'close');
      }
      if (limit === undefined) {
        // The registration, index and tasks in one statement (one snapshot, one round trip on PostgreSQL).
        const { index: now, tasks } = byAgent(host, await store.deployments.desiredOf(host), id);
        return { index: now, tasks, clusterId: store.clusterId };
      }
      // A page and its index are read in one snapshot: an agent that gets the same index on every page
      // of a set has one consistent set (the index moves with every change of the host's tasks). The
      // page is spliced from the stored JSON, so --max-page-bytes bounds the very text sent.
      const body = await store.read(async (q) => {
        await registeredHost(q, host, id);
        const page = await q.deployments.taskPageJson(host, after ?? '', limit, ctx.options.limits.maxPageBytes);
        return `{"index":${await desired(q)},"tasks":[${page.texts.join(',')}]${nextField(page)},"clusterId":${JSON.stringify(store.clusterId)}}`;
      });
      return reply.type('application/json; charset=utf-8').send(body);
    });

  // The credential for a pull the agent is about to make: only for a job deployed on its host, only to
  // that host's registered agent (access agent-self, and its registration id), never stored by it.
  app.get<{ Params: Static<typeof HostParams>; Querystring: Static<typeof RegistryAuthQuery> }>('/agents/:host/registry-auth',
    { onRequest, schema: { params: HostParams, querystring: RegistryAuthQuery } }, async (request, reply): Promise<RegistryAuthAnswer> => {
      const { host } = request.params;
      const { job: jobId, id } = request.query;
      const account = await store.read(async (q) => {
        await registeredHost(q, host, id);
        const job = await q.jobs.get(jobId);
        if (!job || !await q.deployments.get(host, job.id)) {
          throw new HeliosError('JOB_NOT_DEPLOYED', `job ${jobId} is not deployed on host ${host}`, { jobId, host });
        }
        return accountFor(q, job);
      });
      reply.header('Cache-Control', 'no-store');
      return account ? { auth: credentialOf(ctx.secrets, account), account: account.name } : { auth: null };
    });

  app.post<{ Params: Static<typeof HostParams>; Body: StatusReport }>('/agents/:host/statuses',
    { onRequest, schema: { params: HostParams, body: StatusReportSchema } }, async (request): Promise<OkResponse> => {
      const { host } = request.params;
      const { id, updates, removed } = request.body;
      const now = Date.now();
      const ignored = await store.write(async (tx) => {
        await registeredHost(tx, host, id);
        const notDeployed = [];
        for (const update of updates) if (!await tx.statuses.record(host, update.status, update.timestamp, now, tx.index)) notDeployed.push(update);
        for (const jobId of removed) await tx.statuses.remove(host, jobId);
        return notDeployed;
      });
      ctx.metrics.statusesReported(host, updates.map((update) => update.status));
      // Answered OK all the same: the agent has nothing to retry, and a job it no longer runs (it was
      // undeployed before its first report arrived) is no mistake of the agent's.
      if (ignored.length > 0 && ignoredLog.take(host)) {
        request.log.info({ host, ignored: ignored.length, jobIds: [...new Set(ignored.map((u) => u.status.jobId))].slice(0, 5) },
          'statuses of jobs not deployed on the host ignored');
      }
      return { status: 'OK' };
    });
}
