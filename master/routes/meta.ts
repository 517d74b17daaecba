import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { HELIOS_VERSION, type Whoami } from '../../core/index.js';
import { versionCheck, type VersionCheckResponse } from '../heliosWire/version.js';
import type { MasterContext } from '../context.js';
import { admissionFor } from '../auth/admit.js';
import { MASTER_ALIVE_MS } from '../masterBeat.js';

const VersionCheckQuery = Type.Object({ client: Type.Optional(Type.String({ maxLength: 100 })) });

/**
 * `GET /masters` → the names of the masters alive on this database (this one first); `GET /version` → the version as a JSON string; `GET /version/check?client=`
 * → how compatible a Helios client of that version is (heliosWire/version.ts); `GET /whoami` → the caller's
 * token; `GET /healthz` (no token needed) → 200 `{status: "ok"}` while the master can read its
 * database, else 503 `{status: "unavailable"}`, and nothing more: a probe learns no state.
 */
export function metaRoutes(app: FastifyInstance, ctx: MasterContext): void {
  app.get('/healthz', async (_request, reply) => (await ctx.store.readable()
    ? reply.send({ status: 'ok' })
    : reply.code(503).send({ status: 'unavailable' })));
  // Every master seen within MASTER_ALIVE_MS (each beats every MASTER_BEAT_MS, server.ts), this one first.
  app.get('/masters', async () => {
    const others = (await ctx.store.masters.live(Date.now() - MASTER_ALIVE_MS)).filter((name) => name !== ctx.options.name);
    return [ctx.options.name, ...others];
  });
  app.get('/whoami', async (request): Promise<Whoami> => {
    const { name, role, sources, host, anonymous } = request.principal;
    return { name, role, ...(sources ? { sources: [...sources] } : {}), ...(host ? { host } : {}), anonymous,
      clusterId: ctx.store.clusterId, admission: admissionFor(request, ctx.options.admission) ?? null };
  });
  app.get('/version', async (_request, reply) => reply.type('application/json').send(JSON.stringify(HELIOS_VERSION)));
  app.get<{ Querystring: Static<typeof VersionCheckQuery> }>('/version/check', { schema: { querystring: VersionCheckQuery } },
    async (request): Promise<VersionCheckResponse> => versionCheck(request.query.client));
}
