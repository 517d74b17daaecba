import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { invalidRequest, jobNotFound, parseIsoDate } from '../../core/index.js';
import type { MasterContext } from '../context.js';
import type { AgentChannels } from '../channel/agentChannels.js';
import { hostLogs } from '../channel/hostLogs.js';
import { drainQueue } from '../../core/channel/drainQueue.js';
import { HostName, JobParams } from './schemas.js';

const LogsQuery = Type.Object({
  /** The hosts to read (repeat it); without it, every host the job is deployed on. */
  host: Type.Optional(Type.Union([HostName, Type.Array(HostName, { maxItems: 1000 })])),
  follow: Type.Optional(Type.Boolean()),
  tail: Type.Optional(Type.Integer({ minimum: 0 })),
  /** ms since the epoch, or an ISO 8601 time. */
  since: Type.Optional(Type.String({ maxLength: 40 })),
  stream: Type.Optional(Type.Union([Type.Literal('stdout'), Type.Literal('stderr'), Type.Literal('all')])),
});

function sinceOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = /^\d{1,15}$/.test(text) ? Number(text) : parseIsoDate(text);
  if (ms === null) throw invalidRequest(`query parameter since: ${JSON.stringify(text)} is neither ms since the epoch nor an ISO 8601 time`, { field: 'since' });
  return ms;
}

/**
 * `GET /jobs/:id/logs?host=&follow=&tail=&since=&stream=` (role read): the task's container logs of
 * each host, as newline-delimited JSON (core/schema/channel.ts LogRecord), from its agent over the
 * agent's channel. Each host's lines come in order; hosts interleave as their lines arrive. A host that
 * fails (no channel, no container, its agent gone mid-stream) gets an `error` record and the others go
 * on. The answer reads no faster than the client: a slow reader holds its agents' streams back
 * (core/channel/mux.ts), nobody else's.
 */
export function logsRoutes(app: FastifyInstance, ctx: MasterContext, channels: AgentChannels): void {
  const open = new Set<AbortController>();
  app.addHook('preClose', async () => { for (const c of open) c.abort(); });

  app.get<{ Params: Static<typeof JobParams>; Querystring: Static<typeof LogsQuery> }>('/jobs/:id/logs',
    { schema: { params: JobParams, querystring: LogsQuery } }, async (request, reply) => {
      const { id } = request.params;
      const q = request.query;
      const since = sinceOf(q.since);
      if (!await ctx.store.jobs.get(id)) throw jobNotFound(id);
      const named = q.host === undefined ? undefined : [q.host].flat();
      const hosts = named ? [...new Set(named)] : (await ctx.store.deployments.ofJob(id)).map((d) => d.host).sort();
      const follow = q.follow ?? false;
      if (follow) app.blockingSlots.hold(request, reply);
      const stream = q.stream ?? 'all';
      const res = reply.raw;
      reply.hijack();
      res.writeHead(200, { ...reply.getHeaders() as Record<string, string>, 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
      const controller = new AbortController();
      open.add(controller);
      res.once('close', () => controller.abort());
      // A host's bytes are released to its agent once the answer took them (core/channel/mux.ts).
      const whenDrained = drainQueue(res);
      let held = false;
      const write = (text: string, release: () => void) => {
        if (res.destroyed) return;
        if (res.write(text) && !held) return release();
        held = true;
        whenDrained(() => { held = false; release(); });
      };
      await Promise.all(hosts.map((host) => hostLogs({
        channels, store: ctx.store, host, jobId: id, signal: controller.signal, write,
        open: { follow, tail: q.tail, since, stdout: stream !== 'stderr', stderr: stream !== 'stdout' },
      })));
      open.delete(controller);
      res.end();
    });
}
