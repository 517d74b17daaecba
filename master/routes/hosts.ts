import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { HeliosError, hostNotFound, type HostStatus } from '../../core/index.js';
import type { OkResponse } from '../../core/client/createClient.js';
import { actorOf, type MasterContext } from '../context.js';
import { audit } from '../actions/guards.js';
import { isUp, hostStatus } from '../views.js';
import { matchesSelectors, parseSelector } from '../hostSelectors.js';
import { HostParams, NameList } from './schemas.js';
import { clusterGuard } from './clusterGuard.js';

const ListQuery = Type.Object({
  namePattern: Type.Optional(Type.String({ maxLength: 1000 })),
  selector: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 100 })])),
});

const RegisterQuery = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

/** Hosts: list (name pattern, label selectors), register, deregister, status. */
export function hostsRoutes(app: FastifyInstance, ctx: MasterContext): void {
  const { store } = ctx;

  app.get<{ Querystring: Static<typeof ListQuery> }>('/hosts', { schema: { querystring: ListQuery } }, async (request) => {
    const { namePattern, selector } = request.query;
    const selectors = (selector === undefined ? [] : Array.isArray(selector) ? selector : [selector]).map(parseSelector);
    return store.hosts.list()
      .filter((h) => !namePattern || h.name.includes(namePattern))
      .filter((h) => selectors.length === 0 || matchesSelectors(h.labels, selectors))
      .map((h) => h.name);
  });

  app.put<{ Params: Static<typeof HostParams>; Querystring: Static<typeof RegisterQuery> }>('/hosts/:host',
    { onRequest: clusterGuard(ctx), schema: { params: HostParams, querystring: RegisterQuery } }, async (request): Promise<OkResponse> => {
      const { host } = request.params;
      const { id } = request.query;
      const now = Date.now();
      const outcome = store.write((tx) => {
        const existing = store.hosts.get(host);
        if (!existing) {
          store.hosts.insert(host, id, now, tx.index);
          tx.touchHost(host);
          audit(store, actorOf(ctx, request), { action: 'register', host });
          return 'registered';
        }
        if (existing.agentId === id) return 'unchanged';
        if (isUp(existing, ctx.options.downAfterMs, now)) {
          throw new HeliosError('HOST_ID_MISMATCH',
            `host ${host} is registered by another agent that is still UP; stop it, or wait until it is DOWN`,
            { host });
        }
        store.hosts.takeOver(host, id, now, tx.index);
        tx.touchHost(host);
        audit(store, actorOf(ctx, request), { action: 'register', host, detail: { takenOver: true } });
        return 'taken over';
      });
      if (outcome !== 'unchanged') request.log.info({ host, agentId: id, outcome }, 'host registered');
      return { status: 'OK' };
    });

  app.delete<{ Params: Static<typeof HostParams> }>('/hosts/:host', { schema: { params: HostParams } }, async (request): Promise<OkResponse> => {
    const { host } = request.params;
    store.write((tx) => {
      if (!store.hosts.get(host)) throw hostNotFound(host);
      const jobs = store.deployments.ofHost(host).map((d) => d.jobId);
      if (jobs.length > 0) {
        throw new HeliosError('HOST_STILL_IN_USE', `host ${host} still has jobs deployed (${jobs.join(', ')}); undeploy them first`, { host, jobs });
      }
      store.statuses.removeHost(host);
      store.hosts.remove(host);
      tx.touchHost(host);
      audit(store, actorOf(ctx, request), { action: 'deregister', host });
    });
    request.log.info({ host }, 'host deregistered');
    return { status: 'OK' };
  });

  app.get<{ Params: Static<typeof HostParams> }>('/hosts/:host/status', { schema: { params: HostParams } }, async (request) =>
    store.read(() => {
      const host = store.hosts.get(request.params.host);
      if (!host) throw hostNotFound(request.params.host);
      return hostStatus(ctx, host);
    }));

  const Names = NameList('host names');
  app.post<{ Body: Static<typeof Names> }>('/hosts/statuses', { schema: { body: Names } }, async (request) =>
    store.read(() => {
      const result: Record<string, HostStatus> = {};
      for (const name of request.body) {
        const host = store.hosts.get(name);
        if (host) result[name] = hostStatus(ctx, host);
      }
      return result;
    }));
}
