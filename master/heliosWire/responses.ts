/**
 * Each route's answer in Helios' wire format, from ours: the status codes and bodies of Helios'
 * resources (master/resources/*.java, via Responses.java) and the protocol classes its Java client
 * parses (CreateJobResponse, JobDeployResponse, …). A status enum only ever holds values of Helios'
 * enum (Jackson refuses others), so each code of ours maps to one, or the answer stays ours. Every
 * translated error keeps our `message` beside it (Jackson ignores fields it does not know).
 */
import type { FastifyRequest } from 'fastify';
import type { ErrorCode, FieldError, HostStatus, JobStatus, TaskStatusEvent } from '../../core/index.js';
import { withJob, withJobs, type JobLookup } from './taskStatuses.js';

export interface Answer {
  status: number;
  body: unknown;
}

export interface MapperContext {
  request: FastifyRequest;
  jobOf: JobLookup;
}

export type ResponseMapper = (answer: Answer, ctx: MapperContext) => Answer | Promise<Answer>;

interface ErrorBody {
  status: ErrorCode;
  message: string;
  field?: string;
  errors?: FieldError[];
}

/** Helios' HTTP status and status enum value for an error of ours. */
type Translation = readonly [http: number, status: string];
type Translations = Partial<Record<ErrorCode, Translation | ((error: ErrorBody) => Translation)>>;

const isError = (answer: Answer) => answer.status >= 400;

/** Helios refuses what only `--force` (which its client cannot send) would allow. */
const ownedElsewhere: Translations = { GIT_OWNED: [403, 'FORBIDDEN'], STACK_OWNED: [403, 'FORBIDDEN'] };

/** A Helios response of `{status, ...fields}`: OK on success, each error per `errors`. */
function statusResponse(errors: Translations, fields: (request: FastifyRequest) => Record<string, unknown> = () => ({})): ResponseMapper {
  return (answer, { request }) => {
    if (!isError(answer)) return { status: answer.status, body: { status: 'OK', ...fields(request) } };
    const error = answer.body as ErrorBody;
    const rule = errors[error.status];
    if (rule === undefined) return answer;
    const [http, status] = typeof rule === 'function' ? rule(error) : rule;
    return { status: http, body: { status, ...fields(request), message: error.message } };
  };
}

/** Only successful answers change. */
const onSuccess = (change: (body: unknown, ctx: MapperContext) => unknown): ResponseMapper =>
  async (answer, ctx) => (isError(answer) ? answer : { status: answer.status, body: await change(answer.body, ctx) });

const errorStrings = (errors: FieldError[] = []) => errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message));

const params = (request: FastifyRequest) => request.params as Record<string, string>;
const hostAndJob = (request: FastifyRequest) => ({ host: params(request).host, job: params(request).jobId });

/** The id of the posted job as Helios answers it (its `name:version[:hash]`), or null. */
function postedJobId(body: unknown): string | null {
  const spec = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof spec.id === 'string') return spec.id;
  return typeof spec.name === 'string' && typeof spec.version === 'string' ? `${spec.name}:${spec.version}` : null;
}

/** CreateJobResponse `{status, errors: [string], id}`; every refusal of the job is a 400 with its errors. */
const createJob: ResponseMapper = (answer, { request }) => {
  if (!isError(answer)) return { status: answer.status, body: { status: 'OK', errors: [], id: (answer.body as { id: string }).id } };
  const error = answer.body as ErrorBody;
  const id = postedJobId(request.body);
  switch (error.status) {
    case 'INVALID_JOB_DEFINITION':
      return { status: 400, body: { status: 'INVALID_JOB_DEFINITION', errors: errorStrings(error.errors), id, message: error.message } };
    case 'JOB_ALREADY_EXISTS':
      return { status: 400, body: { status: 'JOB_ALREADY_EXISTS', errors: [], id, message: error.message } };
    case 'INVALID_REQUEST':
      return { status: 400, body: { status: 'INVALID_JOB_DEFINITION', errors: [error.message], id, message: error.message } };
    case 'FORBIDDEN':
      // Admission: privileged fields, as Helios' validator refused capabilities off its whitelist.
      if (!error.errors) return answer;
      return { status: 400, body: { status: 'INVALID_JOB_DEFINITION', errors: errorStrings(error.errors), id, message: error.message } };
    default:
      return answer;
  }
};

const jobStatus = async (status: JobStatus) => ({ ...status, taskStatuses: await withJobs(status.taskStatuses, async () => status.job) });
const hostStatus = async (status: HostStatus, jobOf: JobLookup) => ({ ...status, statuses: await withJobs(status.statuses, jobOf) });
const eachValue = async <T>(map: Record<string, T>, change: (value: T) => Promise<unknown>) =>
  Object.fromEntries(await Promise.all(Object.entries(map).map(async ([key, value]) => [key, await change(value)])));

/** TaskStatusEvents: 200 `{events, status: OK}`; an unknown (or removed) job is 200 `{events: [], status: JOB_ID_NOT_FOUND}`. */
const history: ResponseMapper = async (answer, { jobOf }) => {
  const notFound = { status: 200, body: { events: [], status: 'JOB_ID_NOT_FOUND' } };
  if (isError(answer)) return (answer.body as ErrorBody).status === 'JOB_NOT_FOUND' ? notFound : answer;
  const events = (answer.body as { events: TaskStatusEvent[] }).events;
  const job = events.length > 0 ? await jobOf(events[0].status.jobId) : undefined;
  if (!job) return notFound;
  return { status: 200, body: { events: events.map((e) => ({ ...e, status: withJob(e.status, job) })), status: 'OK' } };
};

/** A body `job` that is not the path's job (Helios' ID_MISMATCH); any other malformed part is INVALID_ID. */
const idProblem = (error: ErrorBody): Translation => [400, error.field === 'job' ? 'ID_MISMATCH' : 'INVALID_ID'];

/** Helios' deployment-group answers: a refusal is 200 with its status enum (our 404/409 are the house style). */
const groupRefusals = (statuses: Partial<Record<ErrorCode, string>>): ResponseMapper => (answer) => {
  if (!isError(answer)) return answer;
  const error = answer.body as ErrorBody;
  const status = statuses[error.status];
  return status === undefined ? answer : { status: 200, body: { status, message: error.message } };
};

/** Route (`METHOD /path`) → its answer in Helios' wire format. Routes not listed answer as ours. */
export const responseMappers: Readonly<Record<string, ResponseMapper>> = {
  // CreateDeploymentGroupResponse, RemoveDeploymentGroupResponse, RollingUpdateResponse {status}
  'POST /deployment-group': groupRefusals({ DEPLOYMENT_GROUP_EXISTS: 'CONFLICT' }),
  'DELETE /deployment-group/:name': groupRefusals({ DEPLOYMENT_GROUP_NOT_FOUND: 'DEPLOYMENT_GROUP_NOT_FOUND' }),
  'POST /deployment-group/:name/rolling-update': groupRefusals({ DEPLOYMENT_GROUP_NOT_FOUND: 'DEPLOYMENT_GROUP_NOT_FOUND', JOB_NOT_FOUND: 'JOB_NOT_FOUND' }),
  'POST /jobs': createJob,
  // JobDeleteResponse {status}
  'DELETE /jobs/:id': statusResponse({
    STILL_IN_USE: [400, 'STILL_IN_USE'], JOB_NOT_FOUND: [404, 'JOB_NOT_FOUND'], FORBIDDEN: [403, 'FORBIDDEN'], ...ownedElsewhere,
  }),
  'GET /jobs/:id/status': onSuccess((body) => jobStatus(body as JobStatus)),
  'POST /jobs/statuses': onSuccess((body) => eachValue(body as Record<string, JobStatus>, jobStatus)),
  'GET /history/jobs/:id': history,
  'GET /hosts/:host/status': onSuccess((body, { jobOf }) => hostStatus(body as HostStatus, jobOf)),
  'POST /hosts/statuses': onSuccess((body, { jobOf }) => eachValue(body as Record<string, HostStatus>, (s) => hostStatus(s, jobOf))),
  // HostDeregisterResponse {status, host}
  'DELETE /hosts/:host': statusResponse({ HOST_NOT_FOUND: [404, 'NOT_FOUND'], HOST_STILL_IN_USE: [400, 'JOBS_STILL_DEPLOYED'] },
    (request) => ({ host: params(request).host })),
  // JobDeployResponse {status, host, job}: Helios answered 400 for every refusal but the token's.
  'PUT /hosts/:host/jobs/:jobId': statusResponse({
    JOB_ALREADY_DEPLOYED: [400, 'JOB_ALREADY_DEPLOYED'], PORT_CONFLICT: [400, 'PORT_CONFLICT'], HOST_NOT_FOUND: [400, 'HOST_NOT_FOUND'],
    JOB_NOT_FOUND: [400, 'JOB_NOT_FOUND'], AMBIGUOUS_JOB_REFERENCE: [400, 'AMBIGUOUS_JOB_REFERENCE'], INVALID_REQUEST: idProblem,
    FORBIDDEN: [403, 'FORBIDDEN'], ...ownedElsewhere,
  }, hostAndJob),
  // SetGoalResponse {status, host, job}
  'PATCH /hosts/:host/jobs/:jobId': statusResponse({
    HOST_NOT_FOUND: [404, 'HOST_NOT_FOUND'], JOB_NOT_DEPLOYED: [404, 'JOB_NOT_DEPLOYED'], JOB_NOT_FOUND: [404, 'JOB_NOT_FOUND'],
    INVALID_REQUEST: idProblem, FORBIDDEN: [403, 'FORBIDDEN'], ...ownedElsewhere,
  }, hostAndJob),
  // JobUndeployResponse {status, host, job}: a job not deployed there is JOB_NOT_FOUND.
  'DELETE /hosts/:host/jobs/:jobId': statusResponse({
    HOST_NOT_FOUND: [404, 'HOST_NOT_FOUND'], JOB_NOT_DEPLOYED: [404, 'JOB_NOT_FOUND'], JOB_NOT_FOUND: [404, 'JOB_NOT_FOUND'],
    INVALID_REQUEST: [400, 'INVALID_ID'], FORBIDDEN: [403, 'FORBIDDEN'], ...ownedElsewhere,
  }, hostAndJob),
};
