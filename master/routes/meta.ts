import type { FastifyInstance } from 'fastify';
import { HELIOS_VERSION } from '../../core/index.js';
import type { MasterContext } from '../context.js';

/** `GET /masters` → [name]; `GET /version` → the version as a JSON string. */
export function metaRoutes(app: FastifyInstance, ctx: MasterContext): void {
  app.get('/masters', async () => [ctx.options.name]);
  app.get('/version', async (_request, reply) => reply.type('application/json').send(JSON.stringify(HELIOS_VERSION)));
}
