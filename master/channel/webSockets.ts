import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';
import { HeliosError } from '../../core/index.js';
import { WEBSOCKET_PROTOCOL } from '../../core/channel/webSocketAuth.js';

/** Frames are at most 64 KiB of data plus a header (core/channel/mux.ts); a JSON message stays small. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

interface Upgrade {
  socket: Duplex;
  head: Buffer;
  accepted: boolean;
}

const pending = new WeakMap<IncomingMessage, Upgrade>();
const servers = new WeakMap<FastifyInstance, WebSocketServer>();

/**
 * WebSocket upgrades go through fastify's routing like any request (the auth hook, the cluster guard,
 * validation, the error handler): a refused upgrade is an ordinary HTTP answer (401, 403, 409, …) on
 * the socket, which is then closed. A route accepts with `acceptWebSocket`. (@fastify/websocket does
 * the same; this is the 40 lines of it the master needs, over `ws` alone.)
 */
export function installWebSockets(app: FastifyInstance, options: { corsOrigins: readonly string[] }): void {
  // The token never goes back as the chosen subprotocol: only helios.v1 is ever picked.
  const wss = new WebSocketServer({
    noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false,
    handleProtocols: (offered) => (offered.has(WEBSOCKET_PROTOCOL) ? WEBSOCKET_PROTOCOL : false),
  });
  servers.set(app, wss);
  app.server.on('upgrade', (raw: IncomingMessage, socket: Duplex, head: Buffer) => {
    const upgrade: Upgrade = { socket, head, accepted: false };
    pending.set(raw, upgrade);
    const response = new ServerResponse(raw);
    response.assignSocket(socket as never);
    // Not accepted: the answer (an error) was written; nothing more is read from this socket.
    response.once('finish', () => { if (!upgrade.accepted) socket.destroy(); });
    socket.once('error', () => socket.destroy());
    app.routing(raw, response);
  });
  app.addHook('preClose', async () => { for (const client of wss.clients) client.terminate(); });
  app.addHook('onRequest', async (request) => {
    const origin = request.headers.origin;
    if (!wantsWebSocket(request) || origin === undefined || sameOrigin(origin, request.headers.host)) return;
    if (options.corsOrigins.includes('*') || options.corsOrigins.includes(origin)) return;
    throw new HeliosError('FORBIDDEN', `a web page of ${origin} may not open a WebSocket to this master: only its own dashboard and the origins of --cors-origin may`,
      { origin });
  });
}

/**
 * Browsers send any page's WebSocket to any site with that site's cookies and no CORS check, so the
 * page's origin is checked here (a master without tokens would otherwise run an exec for any page its
 * user opens). Other clients send no Origin.
 */
function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

/** Whether the request asks for a WebSocket. */
export const wantsWebSocket = (request: FastifyRequest) => pending.has(request.raw);

/**
 * Upgrades the request to a WebSocket (the route's checks done); a plain HTTP request is refused with
 * INVALID_REQUEST saying it needs one.
 */
export function acceptWebSocket(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply): Promise<WebSocket> {
  const upgrade = pending.get(request.raw);
  if (!upgrade) throw new HeliosError('INVALID_REQUEST', `${request.method} ${request.routeOptions.url} is a WebSocket endpoint: connect with Upgrade: websocket`);
  upgrade.accepted = true;
  reply.hijack();
  const wss = servers.get(app)!;
  return new Promise((resolve) => wss.handleUpgrade(request.raw, upgrade.socket, upgrade.head, resolve));
}
