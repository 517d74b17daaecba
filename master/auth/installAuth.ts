import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HeliosError } from '../../core/index.js';
import { bearerFromProtocols } from '../../core/channel/webSocketAuth.js';
import { describePrincipal, refusal, routeAccess } from './access.js';
import { anonymous, nobody, type Principal } from './principal.js';
import type { TokenRegistry } from './tokenRegistry.js';

export interface AuthOptions {
  tokens: TokenRegistry;
  /** The master verifies client certificates (--client-ca): a certificate's CN is an agent's host. */
  clientCertificates: boolean;
}

const routeKey = (method: string, url: string) => `${method === 'HEAD' ? 'GET' : method} ${url}`;

/** The CN of a client certificate the TLS layer verified, or undefined. */
function certificateHost(request: FastifyRequest): string | undefined {
  const socket = request.raw.socket as Partial<TLSSocket>;
  if (!socket.authorized || typeof socket.getPeerCertificate !== 'function') return undefined;
  const cn = socket.getPeerCertificate().subject?.CN;
  return typeof cn === 'string' && cn !== '' ? cn : undefined;
}

/**
 * The request's bearer token: its Authorization header, or for a WebSocket from a web page (which
 * cannot send that header) the token it offers as a subprotocol (core/channel/webSocketAuth.ts).
 */
function bearerHeader(request: FastifyRequest): string | undefined {
  if (request.headers.authorization !== undefined || request.headers.upgrade?.toLowerCase() !== 'websocket') return request.headers.authorization;
  const token = bearerFromProtocols(request.headers['sec-websocket-protocol']);
  return token === undefined ? undefined : `Bearer ${token}`;
}

function authenticate(request: FastifyRequest, options: AuthOptions): Principal {
  const certHost = options.clientCertificates ? certificateHost(request) : undefined;
  const header = bearerHeader(request);
  if (options.tokens.size() === 0 && !options.clientCertificates) return anonymous;
  if (header === undefined) {
    // A verified client certificate alone is the identity of the agent of its CN's host.
    if (certHost !== undefined) return { name: `cert:${certHost}`, role: 'agent', host: certHost, anonymous: false };
    throw new HeliosError('UNAUTHORIZED', 'this master needs a bearer token: set HELIOS_TOKEN (Authorization: Bearer <token>)');
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const entry = match ? options.tokens.lookup(match[1]) : undefined;
  if (!entry) throw new HeliosError('UNAUTHORIZED', 'the bearer token is not one this master accepts');
  const principal: Principal = { name: entry.name, role: entry.role, sources: entry.sources, host: entry.host, anonymous: false };
  if (principal.role !== 'agent' || certHost === undefined) return principal;
  // An agent token used with a client certificate acts for the certificate's host only.
  if (principal.host !== undefined && principal.host !== certHost) {
    throw new HeliosError('FORBIDDEN', `token "${entry.name}" is the agent of host ${principal.host}, but the client certificate is for ${certHost}`);
  }
  return { ...principal, host: certHost };
}

/**
 * Authenticates every request (bearer token, or a verified client certificate) and authorises it by
 * the route table (access.ts), before its body is read. A route missing from the table stops the
 * master at start-up.
 */
export function installAuth(app: FastifyInstance, options: AuthOptions): void {
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (!routeAccess[routeKey(method, route.url)]) throw new Error(`route ${method} ${route.url} is missing from master/auth/access.ts`);
    }
  });
  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    const access = url === undefined ? undefined : routeAccess[routeKey(request.method, url)];
    // A public route ignores any token: a probe with a stale one still gets its answer.
    request.principal = access === 'public' ? nobody : authenticate(request, options);
    if (url === undefined || access === undefined) return; // no such route: 404 for whoever is authenticated
    const needs = refusal(request.principal, access, request.params as Record<string, string | undefined>);
    if (needs !== null) {
      throw new HeliosError('FORBIDDEN', `${describePrincipal(request.principal)} may not ${request.method} ${url}: it needs ${needs}`,
        { role: request.principal.role, needs });
    }
  });
}
