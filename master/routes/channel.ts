import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { HeliosError, hostNotFound } from '../../core/index.js';
import type { MasterContext } from '../context.js';
import type { AgentChannels } from '../channel/agentChannels.js';
import { acceptWebSocket } from '../channel/webSockets.js';
import { clusterGuard } from './clusterGuard.js';
import { HostParams } from './schemas.js';

const ChannelQuery = Type.Object({
  /** The connecting agent's registration id: only the registered agent of the host gets its streams. */
  id: Type.String({ minLength: 1, maxLength: 200 }),
});

/**
 * `GET /agents/:host/channel?id=AGENT_ID` (a WebSocket, the agent of :host): the channel the master
 * opens log and exec streams on (core/channel/mux.ts). Refused like every agent call: another
 * cluster's agent (CLUSTER_MISMATCH), an unknown host (HOST_NOT_FOUND), another agent's id
 * (HOST_ID_MISMATCH).
 */
export function channelRoutes(app: FastifyInstance, ctx: MasterContext, channels: AgentChannels): void {
  app.get<{ Params: Static<typeof HostParams>; Querystring: Static<typeof ChannelQuery> }>('/agents/:host/channel',
    { onRequest: clusterGuard(ctx), schema: { params: HostParams, querystring: ChannelQuery } }, async (request, reply) => {
      const { host } = request.params;
      const record = await ctx.store.hosts.get(host);
      if (!record) throw hostNotFound(host);
      if (record.agentId !== request.query.id) throw new HeliosError('HOST_ID_MISMATCH', `host ${host} is registered by another agent; register again`, { host });
      const ws = await acceptWebSocket(app, request, reply);
      channels.attach(host, ws);
    });
}
