import type { FastifyRequest } from 'fastify';
import { CLUSTER_ID_HEADER, HeliosError } from '../../core/index.js';
import type { MasterContext } from '../context.js';
import { createLogThrottle } from '../limits/logThrottle.js';

/**
 * The onRequest hook of the agent protocol's routes (`/agents/*`, `PUT /hosts/:host`): an agent that
 * names another cluster in Helios-Cluster-Id is refused with CLUSTER_MISMATCH before anything is read
 * or written, so it never gets this master's desired set nor registers here. An agent that names none
 * (one from before cluster ids, or one that has not recorded its cluster yet) is accepted. The agent
 * retries for ever; the log warns at most once a minute per host.
 */
export function clusterGuard(ctx: MasterContext): (request: FastifyRequest) => Promise<void> {
  let guard = guards.get(ctx);
  if (!guard) guards.set(ctx, guard = createClusterGuard(ctx));
  return guard;
}

/** One guard per master, shared by its routes, so the warning's limit is per host, whatever the route. */
const guards = new WeakMap<MasterContext, (request: FastifyRequest) => Promise<void>>();

function createClusterGuard(ctx: MasterContext) {
  const ours = ctx.store.clusterId;
  // Host names come from any caller: the throttle's memory is bounded.
  const warnings = createLogThrottle({ intervalMs: 60_000 });

  return async function clusterGuard(request: FastifyRequest): Promise<void> {
    const header = request.headers[CLUSTER_ID_HEADER.toLowerCase()];
    const claimed = Array.isArray(header) ? header[0] : header;
    if (claimed === undefined || claimed === ours) return;
    const theirs = claimed.slice(0, 200);
    const host = (request.params as { host?: string }).host ?? '';
    const warn = warnings.take(host);
    if (warn) request.log.warn({ host, clusterId: ours, agentClusterId: theirs, suppressed: warn.suppressed }, 'refused an agent of another cluster');
    throw new HeliosError('CLUSTER_MISMATCH',
      `the agent of host ${host} belongs to cluster ${theirs}, but this master is cluster ${ours} (a new database, or the agent `
      + 'points at another cluster\'s master); the agent keeps its containers and takes no desired state from here: check its '
      + '--master, or, if this master is its cluster now, restart it with --join-new-cluster',
      { host, clusterId: ours, agentClusterId: theirs });
  };
}
