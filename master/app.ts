import type { ServerOptions as HttpsOptions } from 'node:https';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { CLUSTER_ID_HEADER, HELIOS_VERSION } from '../core/index.js';
import type { MasterContext } from './context.js';
import { installAuth } from './auth/installAuth.js';
import { installRequestLog } from './requestLog.js';
import { installLimits } from './limits/installLimits.js';
import { serverTimeouts } from './limits/serverTimeouts.js';
import { installErrorHandler } from './errorHandler.js';
import { validatorCompiler } from './validation.js';
import { installJsonParser } from './jsonBody.js';
import { jobsRoutes } from './routes/jobs.js';
import { historyRoutes } from './routes/history.js';
import { hostsRoutes } from './routes/hosts.js';
import { deploymentsRoutes } from './routes/deployments.js';
import { agentsRoutes } from './routes/agents.js';
import { syncRoutes } from './routes/sync.js';
import { metaRoutes } from './routes/meta.js';
import { auditRoutes } from './routes/audit.js';
import { registryRoutes } from './routes/registry.js';
import { metricsRoutes } from './routes/metrics.js';
import { eventsRoutes } from './routes/events.js';
import { uiRoutes } from './routes/ui.js';
import { createChangeFeed, topicsOfRoute, type ChangeFeed } from './events/changeFeed.js';
import { createMasterMetrics, type MasterMetrics } from './metrics/masterMetrics.js';
import { deploymentGroupsRoutes } from './routes/deploymentGroups.js';
import { installHeliosWire } from './heliosWire/installHeliosWire.js';
import { installCors } from './cors.js';
import { installCompression } from './compression.js';
import { installWebSockets } from './channel/webSockets.js';
import { createAgentChannels } from './channel/agentChannels.js';
import { channelRoutes } from './routes/channel.js';
import { logsRoutes } from './routes/logs.js';
import { execRoutes } from './routes/exec.js';

/**
 * Builds the master's fastify app over an open store; never listens (server.ts does), so tests can
 * use it on a real port or with `inject`. With `https` it serves TLS.
 */
export function buildApp(deps: Omit<MasterContext, 'metrics'> & { metrics?: MasterMetrics; feed?: ChangeFeed }, https?: HttpsOptions): FastifyInstance {
  // server.ts makes them and the change feed, so that the rollout engine's outcomes and steps are among them too.
  const metrics = deps.metrics ?? createMasterMetrics({ store: deps.store, notifier: deps.notifier, downAfterMs: deps.options.downAfterMs });
  // The routes' store times its transactions for GET /metrics.
  const ctx: MasterContext = { ...deps, metrics, store: metrics.timedStore() };
  const app = Fastify({
    // Header, request and keep-alive timeouts (and the TLS handshake's): limits/serverTimeouts.ts.
    ...serverTimeouts(ctx.options.limits, https),
    logger: ctx.options.logger ?? false,
    bodyLimit: ctx.options.limits.maxBodyBytes,
    // Blocking queries are in flight at shutdown; preClose releases them, so close() need not wait.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // Helios' Java client asks for /jobs/, /hosts/, /masters/ and /version/.
    routerOptions: { maxParamLength: 1000, ignoreTrailingSlash: true },
    // One line per request (requestLog.ts) instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
  });
  installRequestLog(app);
  const feed = deps.feed ?? createChangeFeed(deps.store);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url;
    metrics.httpRequest(request.method, route ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    // A write answered 2xx changed something (a sync's REFUSED is a 200 too: it records its errors).
    if (route !== undefined && request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400) feed.changed(topicsOfRoute(`${request.method} ${route}`));
  });
  installLimits(app, ctx.options.limits);
  app.setValidatorCompiler(validatorCompiler);
  // JSON only: a text/plain body is refused (415 → INVALID_REQUEST) rather than read as a string.
  installJsonParser(app);
  app.addHook('onRequest', async (_request, reply) => { reply.header('Helios-Server-Version', HELIOS_VERSION).header(CLUSTER_ID_HEADER, ctx.store.clusterId); });
  // CORS answers a preflight (which carries no token) before authentication, and before Helios' version filter.
  installCors(app, ctx.options.corsOrigins);
  installHeliosWire(app, { jobOf: (id) => ctx.store.jobs.get(id) });
  // A WebSocket from another site's page is refused by its origin, before its token is looked at.
  installWebSockets(app, { corsOrigins: ctx.options.corsOrigins });
  installAuth(app, { tokens: ctx.tokens, clientCertificates: https?.requestCert === true });
  installErrorHandler(app, ctx.store.storeError);
  // The agents' channels (logs, exec): agents dial in, nothing dials an agent.
  const channels = createAgentChannels(app.log);
  app.addHook('preClose', async () => { ctx.notifier.releaseAll(); feed.close(); channels.closeAll(); });
  installCompression(app);
  // A write is answered once it is on disk (--sync-mode full: store/durableCommits.ts), a refusal
  // too, as the write may have committed before it. An fsync that fails answers 500 (not waited on).
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 500) await ctx.store.flushed();
    return payload;
  });

  jobsRoutes(app, ctx);
  historyRoutes(app, ctx);
  hostsRoutes(app, ctx);
  deploymentsRoutes(app, ctx);
  agentsRoutes(app, ctx);
  syncRoutes(app, ctx);
  metaRoutes(app, ctx);
  auditRoutes(app, ctx);
  registryRoutes(app, ctx);
  metricsRoutes(app, ctx);
  eventsRoutes(app, ctx, feed);
  deploymentGroupsRoutes(app, ctx);
  channelRoutes(app, ctx, channels);
  logsRoutes(app, ctx, channels);
  execRoutes(app, ctx, channels);
  uiRoutes(app);
  return app;
}

