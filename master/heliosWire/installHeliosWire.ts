/**
 * The one place that speaks Helios' wire format. A request with `Helios-Version` (every Helios
 * client sends it) passes Helios' version filter (versionFilter.ts) and gets its answer as Helios
 * gave it (responses.ts: status codes, status enums, `errors` as strings, TaskStatus with its job);
 * every other request gets the house style. Routes know nothing of it.
 */
import type { FastifyInstance } from 'fastify';
import { versionFilter } from './versionFilter.js';
import { responseMappers } from './responses.js';
import type { JobLookup } from './taskStatuses.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request came from a Helios client (a valid `Helios-Version`): answer in Helios' wire format. */
    heliosWire: boolean;
  }
}

export function installHeliosWire(app: FastifyInstance, options: { jobOf: JobLookup }): void {
  app.decorateRequest('heliosWire', false);
  app.addHook('onRequest', versionFilter);
  // preSerialization sees every object answer, a route's and the error handler's, before it is written.
  app.addHook('preSerialization', async (request, reply, payload) => {
    const url = request.routeOptions.url;
    if (!request.heliosWire || url === undefined) return payload;
    const mapper = responseMappers[`${request.method} ${url}`];
    if (!mapper) return payload;
    const answer = await mapper({ status: reply.statusCode, body: payload }, { request, jobOf: options.jobOf });
    reply.code(answer.status);
    return answer.body;
  });
}
