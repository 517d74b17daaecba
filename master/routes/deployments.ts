import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { HeliosError, invalidRequest, type Goal } from '../../core/index.js';
import type { OkResponse } from '../../core/client/createClient.js';
import { actorOf, type MasterContext } from '../context.js';
import { deploy, setGoal, undeploy } from '../actions/deployments.js';
import { findJob } from '../actions/jobs.js';
import { toDeployment } from '../views.js';
import { GuardQuery, HostJobParams } from './schemas.js';

const GoalField = Type.Union([Type.Literal('START'), Type.Literal('STOP'), Type.Literal('UNDEPLOY')], { errorMessage: 'goal is START, STOP or UNDEPLOY' });
const DeployBody = Type.Union([
  Type.Object({ job: Type.Optional(Type.String({ maxLength: 500 })), goal: Type.Optional(GoalField) }),
  Type.Undefined(),
  Type.Null(),
], { errorMessage: 'expected {"job": "<job id>", "goal": "START" | "STOP"}' });
const GoalBody = Type.Object({ job: Type.Optional(Type.String({ maxLength: 500 })), goal: GoalField });

type Route = { Params: Static<typeof HostJobParams>; Querystring: Static<typeof GuardQuery> };

/** A body's `job`, when given, must name the job of the path. */
async function checkBodyJob(ctx: MasterContext, request: FastifyRequest<Route>, bodyJob: string | undefined): Promise<void> {
  if (bodyJob === undefined || bodyJob === request.params.jobId) return;
  const job = await findJob(ctx.store, request.params.jobId);
  if (job && bodyJob === job.id) return;
  throw invalidRequest(`body.job: ${bodyJob} is not the job of the path (${request.params.jobId})`, { field: 'job' });
}

/** Deployments of a job on a host: deploy, set goal, undeploy, get. */
export function deploymentsRoutes(app: FastifyInstance, ctx: MasterContext): void {
  const { store } = ctx;
  const path = '/hosts/:host/jobs/:jobId';

  app.put<Route & { Body: Static<typeof DeployBody> }>(path,
    { schema: { params: HostJobParams, querystring: GuardQuery, body: DeployBody } }, async (request): Promise<OkResponse> => {
      const { host, jobId } = request.params;
      const body = request.body ?? {};
      await checkBodyJob(ctx, request, body.job);
      const goal: Goal = body.goal ?? 'START';
      if (goal === 'UNDEPLOY') throw invalidRequest('body.goal: deploy with START or STOP; to undeploy, send DELETE', { field: 'goal' });
      const actor = actorOf(ctx, request, request.query);
      const job = await store.write((tx) => deploy(tx, { host, jobId, goal }, actor));
      if (goal === 'START') ctx.metrics.taskStarted(host, job.id);
      request.log.info({ host, jobId: job.id, goal, owner: actor.owner }, 'job deployed');
      return { status: 'OK' };
    });

  app.patch<Route & { Body: Static<typeof GoalBody> }>(path,
    { schema: { params: HostJobParams, querystring: GuardQuery, body: GoalBody } }, async (request): Promise<OkResponse> => {
      const { host, jobId } = request.params;
      await checkBodyJob(ctx, request, request.body.job);
      const actor = actorOf(ctx, request, request.query);
      const goal = request.body.goal;
      const job = await store.write((tx) => goal === 'UNDEPLOY'
        ? undeploy(tx, host, jobId, actor)
        : setGoal(tx, { host, jobId, goal }, actor));
      if (goal === 'START') ctx.metrics.taskStarted(host, job.id);
      request.log.info({ host, jobId: job.id, goal }, 'goal set');
      return { status: 'OK' };
    });

  app.delete<Route>(path, { schema: { params: HostJobParams, querystring: GuardQuery } }, async (request): Promise<OkResponse> => {
    const { host, jobId } = request.params;
    const actor = actorOf(ctx, request, request.query);
    const job = await store.write((tx) => undeploy(tx, host, jobId, actor));
    request.log.info({ host, jobId: job.id }, 'job undeployed');
    return { status: 'OK' };
  });

  app.get<Route>(path, { schema: { params: HostJobParams } }, async (request) => {
    const { host, jobId } = request.params;
    const id = (await findJob(store, jobId))?.id ?? jobId;
    const deployment = await store.deployments.get(host, id);
    if (!deployment) throw new HeliosError('JOB_NOT_DEPLOYED', `job ${jobId} is not deployed on host ${host}`, { jobId, host });
    return toDeployment(deployment);
  });
}
