import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import {
  HeartbeatRequestSchema, HeliosError, hostNotFound, StatusReportSchema,
  type DesiredTasks, type HeartbeatRequest, type HeartbeatResponse, type StatusReport,
} from '../../core/index.js';
import type { OkResponse } from '../../core/client/createClient.js';
import type { MasterContext } from '../context.js';
import { HostParams } from './schemas.js';

const TasksQuery = Type.Object({
  index: Type.Integer({ minimum: 0 }),
  wait: Type.Optional(Type.Integer({ minimum: 0 })),
});

/**
 * The agent protocol (see core/schema/protocol.ts): heartbeat, the blocking query for a host's
 * desired tasks, and status reports. An unknown host gets HOST_NOT_FOUND so the agent re-registers.
 */
export function agentsRoutes(app: FastifyInstance, ctx: MasterContext): void {
  const { store, notifier } = ctx;

  app.post<{ Params: Static<typeof HostParams>; Body: HeartbeatRequest }>('/agents/:host/heartbeat',
    { schema: { params: HostParams, body: HeartbeatRequestSchema } }, async (request): Promise<HeartbeatResponse> => {
      const { host } = request.params;
      store.write((tx) => {
        const record = store.hosts.get(host);
        if (!record) throw hostNotFound(host);
        if (record.agentId !== request.body.id) {
          throw new HeliosError('HOST_ID_MISMATCH', `host ${host} is registered by another agent (id ${record.agentId}); register again`, { host });
        }
        store.hosts.heartbeat(host, request.body, Date.now(), tx.index);
      });
      return { downAfterMs: ctx.options.downAfterMs };
    });

  app.get<{ Params: Static<typeof HostParams>; Querystring: Static<typeof TasksQuery> }>('/agents/:host/tasks',
    { schema: { params: HostParams, querystring: TasksQuery } }, async (request, reply): Promise<DesiredTasks> => {
      const { host } = request.params;
      const { index } = request.query;
      const wait = Math.min(request.query.wait ?? 0, ctx.options.maxWaitMs);
      const desired = () => {
        const value = store.hosts.desiredIndex(host);
        if (value === undefined) throw hostNotFound(host);
        return value;
      };
      let current = desired();
      // An index from the future means the agent knew another database: answer at once.
      if (current <= index && wait > 0 && index <= store.index()) {
        const gone = new AbortController();
        const onClose = () => gone.abort();
        reply.raw.once('close', onClose);
        const deadline = Date.now() + wait;
        try {
          while (current <= index && !gone.signal.aborted && !notifier.closed && Date.now() < deadline) {
            await notifier.wait(host, deadline - Date.now(), gone.signal);
            current = desired();
          }
        } finally {
          reply.raw.off('close', onClose);
        }
      }
      return store.read(() => ({
        index: desired(),
        tasks: store.deployments.tasksOf(host),
      }));
    });

  app.post<{ Params: Static<typeof HostParams>; Body: StatusReport }>('/agents/:host/statuses',
    { schema: { params: HostParams, body: StatusReportSchema } }, async (request): Promise<OkResponse> => {
      const { host } = request.params;
      const { updates, removed } = request.body;
      store.write((tx) => {
        if (!store.hosts.get(host)) throw hostNotFound(host);
        for (const update of updates) store.statuses.record(host, update.status, update.timestamp, tx.index);
        for (const jobId of removed) store.statuses.remove(host, jobId);
      });
      return { status: 'OK' };
    });
}
