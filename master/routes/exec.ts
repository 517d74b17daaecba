import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { HeliosError, jobNotFound, type ExecOpen } from '../../core/index.js';
import { Mux } from '../../core/channel/mux.js';
import { pipeStreams } from '../../core/channel/pipe.js';
import type { MasterContext } from '../context.js';
import { actorOf } from '../context.js';
import { audit } from '../actions/guards.js';
import type { AgentChannels } from '../channel/agentChannels.js';
import { acceptWebSocket, wantsWebSocket } from '../channel/webSockets.js';
import { HostName, JobParams } from './schemas.js';

const ExecQuery = Type.Object({
  host: HostName,
  /** The command and its arguments, one parameter each, in order. */
  command: Type.Union([Type.String({ minLength: 1, maxLength: 10_000 }), Type.Array(Type.String({ maxLength: 10_000 }), { minItems: 1, maxItems: 1000 })]),
  tty: Type.Optional(Type.Boolean()),
  /** Attach the command's standard input (without it, it reads an empty one). */
  stdin: Type.Optional(Type.Boolean()),
  cols: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  rows: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
});

/**
 * `GET /jobs/:id/exec?host=&command=…&tty=&stdin=&cols=&rows=` (a WebSocket; role exec or admin): runs
 * a command in the task's running container on the host, through its agent's channel. Every exec is
 * audited (`exec`: who, which job and host, the command) before it starts. On the WebSocket the master
 * opens one stream (core/channel/mux.ts): STDIN data from the client, STDOUT and STDERR back,
 * MESSAGE `{resize: {cols, rows}}` from the client, `{exit: CODE}` from the master as the last, then
 * its END. A refusal (no such job, not deployed there, no agent channel, a role without exec) is an
 * HTTP error answer before the upgrade; a plain GET gets the same refusals, else INVALID_REQUEST.
 */
export function execRoutes(app: FastifyInstance, ctx: MasterContext, channels: AgentChannels): void {
  app.get<{ Params: Static<typeof JobParams>; Querystring: Static<typeof ExecQuery> }>('/jobs/:id/exec',
    { schema: { params: JobParams, querystring: ExecQuery } }, async (request, reply) => {
      const { id } = request.params;
      const { host, tty = false, stdin = false, cols, rows } = request.query;
      const command = [request.query.command].flat();
      const job = await ctx.store.jobs.get(id);
      if (!job) throw jobNotFound(id);
      if (!await ctx.store.deployments.get(host, id)) throw new HeliosError('JOB_NOT_DEPLOYED', `job ${id} is not deployed on host ${host}`, { jobId: id, host });
      const agent = channels.get(host);
      // A plain GET passes every check above and stops here, unaudited: a web page whose WebSocket
      // failed (a browser is told no reason) asks this way why.
      if (!wantsWebSocket(request)) throw new HeliosError('INVALID_REQUEST', `GET /jobs/:id/exec is a WebSocket endpoint: connect with Upgrade: websocket (job ${id} on ${host} may exec)`);
      const actor = actorOf(ctx, request);
      await ctx.store.write(async (tx) => audit(tx, actor, { action: 'exec', jobId: id, host, detail: { command, tty, stdin } }));
      const ws = await acceptWebSocket(app, request, reply);
      const client = new Mux(ws as never, { parity: 1 });
      const open: ExecOpen = { kind: 'exec', jobId: id, command, tty, stdin, cols, rows };
      pipeStreams(client.open({}), agent.open(open as unknown as Record<string, unknown>));
      // The client's socket closes once its stream is over (it closes it), or when it goes.
      ws.on('error', () => ws.terminate());
    });
}
