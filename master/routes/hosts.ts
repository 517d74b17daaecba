import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { HeliosError, hostNotFound, type HostStatus } from '../../core/index.js';
import type { OkResponse } from '../../core/client/createClient.js';
import { actorOf, type MasterContext } from '../context.js';
import { audit } from '../actions/guards.js';
import { isUp, hostStatus } from '../views.js';
import { matchesSelectors, parseSelector } from '../hostSelectors.js';
import { namesMatching } from '../namePatterns.js';
import { HostParams, NameList } from './schemas.js';
import { clusterGuard } from './clusterGuard.js';
import { groupOfOwner } from '../rollouts/owner.js';

const ListQuery = Type.Object({
  namePattern: Type.Optional(Type.String({ maxLength: 1000 })),
  selector: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 100 })])),
});

const RegisterQuery = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

/** `?status=UP|DOWN`: only hosts in that state (Helios' filter of the host status endpoints). */
const StatusQuery = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal('UP'), Type.Literal('DOWN')], { errorMessage: 'status is UP or DOWN' })),
});

/** History events deleted per statement when a host is deregistered (all in its one transaction). */
const HISTORY_BATCH = 1_000;

/** Hosts: list (name pattern, label selectors), register, deregister, status. */
export function hostsRoutes(app: FastifyInstance, ctx: MasterContext): void {
  const { store } = ctx;

  app.get<{ Querystring: Static<typeof ListQuery> }>('/hosts', { schema: { querystring: ListQuery } }, async (request) => {
    const { namePattern, selector } = request.query;
    const selectors = (selector === undefined ? [] : Array.isArray(selector) ? selector : [selector]).map(parseSelector);
    const hosts = (await store.hosts.list()).filter((h) => selectors.length === 0 || matchesSelectors(h.labels, selectors));
    const names = hosts.map((h) => h.name);
    return namePattern ? namesMatching('namePattern', namePattern, names, ctx.options.limits.patternTimeoutMs) : names;
  });

  app.put<{ Params: Static<typeof HostParams>; Querystring: Static<typeof RegisterQuery> }>('/hosts/:host',
    { onRequest: clusterGuard(ctx), schema: { params: HostParams, querystring: RegisterQuery } }, async (request): Promise<OkResponse> => {
      const { host } = request.params;
      const { id } = request.query;
      const now = Date.now();
      const outcome = await store.write(async (tx) => {
        const existing = await tx.hosts.get(host);
        if (!existing) {
          await tx.hosts.insert(host, id, now, tx.index);
          tx.touchHost(host);
          await audit(tx, actorOf(ctx, request), { action: 'register', host });
          return 'registered';
        }
        if (existing.agentId === id) return 'unchanged';
        if (isUp(existing, ctx.options.downAfterMs, now)) {
          throw new HeliosError('HOST_ID_MISMATCH',
            `host ${host} is registered by another agent that is still UP; stop it, or wait until it is DOWN`,
            { host });
        }
        await tx.hosts.takeOver(host, id, now, tx.index);
        tx.touchHost(host);
        await audit(tx, actorOf(ctx, request), { action: 'register', host, detail: { takenOver: true } });
        return 'taken over';
      });
      if (outcome !== 'unchanged') request.log.info({ host, agentId: id, outcome }, 'host registered');
      return { status: 'OK' };
    });

  app.delete<{ Params: Static<typeof HostParams> }>('/hosts/:host', { schema: { params: HostParams } }, async (request): Promise<OkResponse> => {
    const { host } = request.params;
    await store.write(async (tx) => {
      if (!await tx.hosts.get(host)) throw hostNotFound(host);
      // A deployment group's job goes with the host: the host just leaves the group (Helios). Any other
      // deployment is someone's explicit choice, so the user undeploys it first.
      const deployments = await tx.deployments.ofHost(host);
      const jobs = deployments.filter((d) => !groupOfOwner(d.owner)).map((d) => d.jobId);
      if (jobs.length > 0) {
        throw new HeliosError('HOST_STILL_IN_USE', `host ${host} still has jobs deployed (${jobs.join(', ')}); undeploy them first`, { host, jobs });
      }
      const groupJobs = deployments.map((d) => d.jobId);
      for (const jobId of groupJobs) await tx.deployments.remove(host, jobId);
      // Its history goes with it, as the dead-host reaper takes it: kept, a job that outlives its hosts
      // would hold up to 100 events of every host it ever ran on, for ever (review F15).
      while (await tx.statuses.reapHostHistory(host, HISTORY_BATCH) === HISTORY_BATCH);
      await tx.statuses.removeHost(host);
      await tx.hosts.remove(host);
      tx.touchHost(host);
      await audit(tx, actorOf(ctx, request), { action: 'deregister', host, ...(groupJobs.length > 0 ? { detail: { undeployed: groupJobs } } : {}) });
    });
    request.log.info({ host }, 'host deregistered');
    return { status: 'OK' };
  });

  app.get<{ Params: Static<typeof HostParams>; Querystring: Static<typeof StatusQuery> }>('/hosts/:host/status',
    { schema: { params: HostParams, querystring: StatusQuery } }, async (request) =>
      store.read(async (q) => {
        const host = await q.hosts.get(request.params.host);
        if (!host) throw hostNotFound(request.params.host);
        const status = await hostStatus(q, host, ctx.options.downAfterMs);
        const wanted = request.query.status;
        if (wanted && status.status !== wanted) {
          throw new HeliosError('HOST_NOT_FOUND', `host ${host.name} is ${status.status}, not ${wanted} (query parameter status)`, { host: host.name, hostStatus: status.status });
        }
        return status;
      }));

  const Names = NameList('host names');
  app.post<{ Body: Static<typeof Names>; Querystring: Static<typeof StatusQuery> }>('/hosts/statuses',
    { schema: { body: Names, querystring: StatusQuery } }, async (request) =>
      store.read(async (q) => {
        const result: Record<string, HostStatus> = {};
        for (const name of request.body) {
          const host = await q.hosts.get(name);
          const status = host && await hostStatus(q, host, ctx.options.downAfterMs);
          if (status && (!request.query.status || status.status === request.query.status)) result[name] = status;
        }
        return result;
      }));
}
