/**
 * CORS, for browser UIs on other origins (Helios answered `Access-Control-Allow-Origin: *` to every
 * request). Off unless `--cors-origin` names origins: on a master without tokens (the one-machine
 * default) `*` would let any web page the user opens create and deploy jobs, since Helios' CORS
 * allows `Content-Type: application/json` and every method. A preflight is answered here, before
 * authentication (it never carries a token): this hook is added before the auth hook.
 */
import type { FastifyInstance } from 'fastify';

const METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';
// Helios' list (X-Requested-With, Content-Type, Accept, Origin) and the headers our API reads.
const HEADERS = 'X-Requested-With, Content-Type, Accept, Origin, Authorization, Helios-Version, Helios-User, Helios-Owner';
const EXPOSED = 'Helios-Server-Version, Helios-Version-Status, Helios-Cluster-Id, Retry-After';

/** `*`, or `scheme://host[:port]` as a browser sends it in `Origin`. */
export function corsOriginProblem(origin: string): string | null {
  if (origin === '*') return null;
  return /^https?:\/\/[^/\s?#]+$/.test(origin) ? null : 'give * or an origin such as https://ui.example.com:8443 (scheme, host, port; no path)';
}

export function installCors(app: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const anyOrigin = origins.includes('*');
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin === undefined || !(anyOrigin || origins.includes(origin))) return;
    reply.header('Access-Control-Allow-Origin', anyOrigin ? '*' : origin).header('Access-Control-Expose-Headers', EXPOSED);
    if (!anyOrigin) reply.header('Vary', 'Origin');
    if (request.method !== 'OPTIONS' || request.headers['access-control-request-method'] === undefined) return;
    reply.code(204).header('Access-Control-Allow-Methods', METHODS).header('Access-Control-Allow-Headers', HEADERS)
      .header('Access-Control-Max-Age', '600').send();
    return reply;
  });
}
