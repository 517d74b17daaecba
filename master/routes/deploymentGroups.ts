import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import {
  DEPLOYMENT_GROUP_NAME, DeploymentGroupSchema, RollingUpdateRequestSchema, coerceRolloutOptions,
  type CreateDeploymentGroupResponse, type DeploymentGroup, type DeploymentGroupHistory, type DeploymentGroupStatusResponse,
  type RemoveDeploymentGroupResponse, type RollingUpdateRequest, type RollingUpdateResponse, type StoredDeploymentGroup,
} from '../../core/index.js';
import { actorOf, type MasterContext } from '../context.js';
import { createGroup, groupHistory, groupNotFound, groupStatus, removeGroup, rollingUpdate, stopGroup } from '../actions/deploymentGroups.js';

const GroupParams = Type.Object({
  name: Type.String({ pattern: DEPLOYMENT_GROUP_NAME, errorMessage: 'a deployment group name is letters, digits, ".", "_" and "-" (at most 128), starting with a letter or digit' }),
});
type GroupRoute = { Params: Static<typeof GroupParams> };
/** Helios' DeploymentGroup, whose creator also reads the job as `job`. */
const CreateBody = Type.Intersect([DeploymentGroupSchema, Type.Object({ job: Type.Optional(Type.String()) })]);
/** `?force=true`: change a group a git source declares anyway (its next sync puts it back). */
const ForceQuery = Type.Object({ force: Type.Optional(Type.Boolean()) });
type ForceRoute = { Querystring: Static<typeof ForceQuery> };
const HistoryQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 20 })) });

/**
 * Helios' client writes unset rollout options as null, and its CLI's numbers and booleans as text:
 * read them as a job's (core readJobSpec) before the schema checks them.
 */
async function readRolloutOptions(request: FastifyRequest): Promise<void> {
  const body = request.body as { rolloutOptions?: unknown } | null;
  const options = body?.rolloutOptions;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return;
  const present = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== null));
  body!.rolloutOptions = coerceRolloutOptions(present);
}

/** `/deployment-group/`: Helios' endpoints (DeploymentGroupResource), with 404/409 where Helios answered 200; and a group's rollout history. */
export function deploymentGroupsRoutes(app: FastifyInstance, ctx: MasterContext): void {
  const { store } = ctx;
  const env = { downAfterMs: ctx.options.downAfterMs, master: ctx.options.name, observer: ctx.metrics };

  app.get('/deployment-group', async (): Promise<string[]> => (await store.deploymentGroups.list()).map((r) => r.group.name));

  app.get<GroupRoute>('/deployment-group/:name', { schema: { params: GroupParams } }, async (request): Promise<StoredDeploymentGroup> => {
    const record = await store.deploymentGroups.get(request.params.name);
    if (!record) throw groupNotFound(request.params.name);
    return record.group;
  });

  app.post<{ Body: DeploymentGroup & { job?: string } }>('/deployment-group',
    { schema: { body: CreateBody }, preValidation: readRolloutOptions }, async (request): Promise<CreateDeploymentGroupResponse> => {
      const status = await createGroup(store, request.body, actorOf(ctx, request));
      request.log.info({ deploymentGroup: request.body.name, status }, 'deployment group created');
      return { status };
    });

  app.delete<GroupRoute & ForceRoute>('/deployment-group/:name', { schema: { params: GroupParams, querystring: ForceQuery } },
    async (request): Promise<RemoveDeploymentGroupResponse> => {
      await removeGroup(store, request.params.name, actorOf(ctx, request, { force: request.query.force }));
      request.log.info({ deploymentGroup: request.params.name }, 'deployment group removed');
      return { status: 'REMOVED' };
    });

  app.post<GroupRoute & ForceRoute & { Body: RollingUpdateRequest }>('/deployment-group/:name/rolling-update',
    { schema: { params: GroupParams, querystring: ForceQuery, body: RollingUpdateRequestSchema }, preValidation: readRolloutOptions },
    async (request): Promise<RollingUpdateResponse> => {
      const answer = await rollingUpdate(store, request.params.name, request.body, actorOf(ctx, request, { force: request.query.force }), env);
      request.log.info({ deploymentGroup: answer.deploymentGroup, jobId: answer.jobId, rolloutId: answer.rolloutId }, 'rolling update started');
      return answer;
    });

  app.post<GroupRoute>('/deployment-group/:name/stop', { schema: { params: GroupParams } }, async (request, reply) => {
    await stopGroup(store, request.params.name, actorOf(ctx, request), ctx.metrics);
    request.log.info({ deploymentGroup: request.params.name }, 'deployment group stopped');
    return reply.code(204).send();
  });

  app.get<GroupRoute>('/deployment-group/:name/status', { schema: { params: GroupParams } },
    async (request): Promise<DeploymentGroupStatusResponse> => groupStatus(store, request.params.name, ctx.options.downAfterMs));

  app.get<GroupRoute & { Querystring: Static<typeof HistoryQuery> }>('/deployment-group/:name/history',
    { schema: { params: GroupParams, querystring: HistoryQuery } },
    async (request): Promise<DeploymentGroupHistory> => groupHistory(store, request.params.name, request.query.limit ?? 20));
}
