/**
 * A client that speaks exactly as Helios' Java client does (helios-client `HeliosClient.java`,
 * `DefaultHttpConnector`, `DefaultRequestDispatcher`, at Helios 819e5949), so tests can tell whether a
 * stock Helios tool (the Helios CLI, helios-testing, build plugins) works against our master:
 * - every request: `Helios-Version: 0.9.282`, `Accept-Encoding: gzip` (a gzip answer is inflated),
 *   Java's default `User-Agent` and `Accept`, `?user=` after the other query parameters; a body is
 *   Jackson's JSON (every field, absent ones `null`, keys sorted) with `Content-Type:
 *   application/json` and `Charset: utf-8`; path segments escaped as Guava's urlPathSegmentEscaper;
 * - `Helios-Version-Status` must be one of Helios' statuses (`Status.valueOf` throws otherwise);
 * - each call decodes only the status codes HeliosClient lists for it (ConvertResponseToPojo): a 404
 *   it does not list is `null`, another code it does not list throws `request failed`, an empty or
 *   unparseable body throws `bad reply`;
 * - bodies are read as Jackson reads Helios' classes: enum fields must hold one of the enum's values,
 *   `checkNotNull` fields must be there, `List<String>` holds strings; unknown fields are ignored.
 * @example
 *   const helios = new HeliosJavaClient({ endpoint: master.url, user: 'ci' });
 *   const created = await helios.createJob(javaJob({ name: 'web', version: '1', image: 'busybox:latest' }));
 */
import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { jobHash } from '../../core/model/jobId.js';
import type { HashedJob } from '../../core/schema/job.js';

export const HELIOS_CLIENT_VERSION = '0.9.282';

/** HeliosException of the Java client: `request failed: Response{…}` or `bad reply: Response{…}`. */
export class HeliosException extends Error {
  constructor(message: string, readonly response: RawResponse) {
    super(`${message}: Response{method='${response.method}', uri=${response.path}, status=${response.status}, payload='${response.text.slice(0, 300)}'}`);
  }
}

export interface RawResponse {
  method: string;
  path: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

type Json = Record<string, unknown>;

// ---- Jackson-like readers of Helios' classes -------------------------------------------------

class BadReply extends Error {}

const fail = (what: string): never => { throw new BadReply(what); };
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const object = (v: unknown, what: string): Json => (isObject(v) ? v : fail(`${what}: expected an object`));
const optionalString = (v: unknown, what: string): string | null =>
  (v === undefined || v === null ? null : typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fail(`${what}: expected a string`));
const requiredString = (v: unknown, what: string) => optionalString(v, what) ?? fail(`${what}: is null`);
function enumValue<T extends string>(v: unknown, values: readonly T[], what: string): T | null {
  if (v === undefined || v === null) return null;
  return values.includes(v as T) ? (v as T) : fail(`${what}: ${JSON.stringify(v)} is not one of ${values.join(', ')}`);
}
const requiredEnum = <T extends string>(v: unknown, values: readonly T[], what: string): T => enumValue(v, values, what) ?? fail(`${what}: is null`);
const stringList = (v: unknown, what: string): string[] | null =>
  (v === undefined || v === null ? null : Array.isArray(v) ? v.map((item, i) => requiredString(item, `${what}[${i}]`)) : fail(`${what}: expected a list`));
const map = <T>(v: unknown, what: string, read: (value: unknown, what: string) => T): Record<string, T> | null =>
  (v === undefined || v === null ? null : Object.fromEntries(Object.entries(object(v, what)).map(([k, value]) => [k, read(value, `${what}.${k}`)])));
const long = (v: unknown, what: string): number | null =>
  (v === undefined || v === null ? null : Number.isInteger(v) ? (v as number) : fail(`${what}: expected an integer`));
/** JobId: `name:version[:hash]`. */
const jobId = (v: unknown, what: string) => {
  const id = requiredString(v, what);
  return /^[^:]+:[^:]+(:[^:]+)?$/.test(id) ? id : fail(`${what}: ${id} is not a job id`);
};

const GOALS = ['START', 'STOP', 'UNDEPLOY'] as const;
const STATES = ['PULLING_IMAGE', 'CREATING', 'STARTING', 'HEALTHCHECKING', 'RUNNING', 'EXITED', 'STOPPING', 'STOPPED', 'FAILED', 'UNKNOWN'] as const;
const THROTTLES = ['NO', 'FLAPPING', 'IMAGE_MISSING', 'IMAGE_PULL_FAILED'] as const;
const VERSION_STATUSES = ['EQUAL', 'COMPATIBLE', 'MAYBE', 'INCOMPATIBLE', 'INVALID', 'MISSING'] as const;

export interface PortMapping { internalPort: number; externalPort: number | null; ip: string | null; protocol: string | null }
const portMapping = (v: unknown, what: string): PortMapping => {
  const o = object(v, what);
  return { internalPort: long(o.internalPort, `${what}.internalPort`) ?? 0, externalPort: long(o.externalPort, `${what}.externalPort`),
    ip: optionalString(o.ip, `${what}.ip`), protocol: optionalString(o.protocol, `${what}.protocol`) };
};

/** Job: the fields Helios' Job reads, typed; the rest of the object as it came. */
export interface Job extends Json { id: string; image: string | null; command: string[]; env: Record<string, string>; ports: Record<string, PortMapping> }
const job = (v: unknown, what: string): Job => {
  const o = object(v, what);
  if (o.expires !== undefined && o.expires !== null && Number.isNaN(Date.parse(requiredString(o.expires, `${what}.expires`)))) fail(`${what}.expires: not a date`);
  long(o.created, `${what}.created`);
  long(o.gracePeriod, `${what}.gracePeriod`);
  long(o.secondsToWaitBeforeKill, `${what}.secondsToWaitBeforeKill`);
  for (const key of ['addCapabilities', 'dropCapabilities', 'securityOpt']) stringList(o[key], `${what}.${key}`);
  for (const key of ['metadata', 'labels', 'volumes', 'ramdisks']) map(o[key], `${what}.${key}`, requiredString);
  return { ...o, id: jobId(o.id, `${what}.id`), image: optionalString(o.image, `${what}.image`),
    command: stringList(o.command, `${what}.command`) ?? [], env: map(o.env, `${what}.env`, requiredString) ?? {},
    ports: map(o.ports, `${what}.ports`, portMapping) ?? {} };
};

export interface TaskStatus {
  job: Job; goal: (typeof GOALS)[number] | null; state: (typeof STATES)[number]; containerId: string | null;
  throttled: (typeof THROTTLES)[number]; ports: Record<string, PortMapping>; env: Record<string, string>; containerError: string;
}
/** TaskStatus.java: `job` and `state` are checkNotNull. */
const taskStatus = (v: unknown, what: string): TaskStatus => {
  const o = object(v, what);
  if (o.job === undefined || o.job === null) fail(`${what}.job: is null (TaskStatus checkNotNull(job))`);
  return {
    job: job(o.job, `${what}.job`), goal: enumValue(o.goal, GOALS, `${what}.goal`), state: requiredEnum(o.state, STATES, `${what}.state`),
    containerId: optionalString(o.containerId, `${what}.containerId`), throttled: enumValue(o.throttled, THROTTLES, `${what}.throttled`) ?? 'NO',
    ports: map(o.ports, `${what}.ports`, portMapping) ?? {}, env: map(o.env, `${what}.env`, requiredString) ?? {},
    containerError: optionalString(o.containerError, `${what}.containerError`) ?? '',
  };
};

export interface Deployment { jobId: string; goal: (typeof GOALS)[number] | null; deployerUser: string | null }
/** Deployment.java: read from `job` (its creator) or `jobId` (its field). */
const deployment = (v: unknown, what: string): Deployment => {
  const o = object(v, what);
  return { jobId: jobId(o.jobId ?? o.job, `${what}.jobId`), goal: enumValue(o.goal, GOALS, `${what}.goal`), deployerUser: optionalString(o.deployerUser, `${what}.deployerUser`) };
};

export interface JobStatus { job: Job; taskStatuses: Record<string, TaskStatus>; deployments: Record<string, Deployment> }
const jobStatus = (v: unknown, what: string): JobStatus => {
  const o = object(v, what);
  return { job: job(o.job, `${what}.job`), taskStatuses: map(o.taskStatuses, `${what}.taskStatuses`, taskStatus) ?? {},
    deployments: map(o.deployments, `${what}.deployments`, deployment) ?? {} };
};

export interface HostStatus {
  status: 'UP' | 'DOWN'; jobs: Record<string, Deployment>; statuses: Record<string, TaskStatus>;
  hostInfo: Json | null; agentInfo: Json | null; environment: Record<string, string>; labels: Record<string, string>;
}
/** HostStatus.java: `status`, `jobs` and `statuses` are checkNotNull. */
const hostStatus = (v: unknown, what: string): HostStatus => {
  const o = object(v, what);
  const jobs = map(o.jobs, `${what}.jobs`, deployment) ?? fail(`${what}.jobs: is null`);
  const statuses = map(o.statuses, `${what}.statuses`, taskStatus) ?? fail(`${what}.statuses: is null`);
  if (isObject(o.hostInfo)) { long(o.hostInfo.cpus, `${what}.hostInfo.cpus`); if (o.hostInfo.dockerVersion !== null && o.hostInfo.dockerVersion !== undefined) object(o.hostInfo.dockerVersion, `${what}.hostInfo.dockerVersion`); }
  return { status: requiredEnum(o.status, ['UP', 'DOWN'] as const, `${what}.status`), jobs, statuses,
    hostInfo: o.hostInfo === null || o.hostInfo === undefined ? null : object(o.hostInfo, `${what}.hostInfo`),
    agentInfo: o.agentInfo === null || o.agentInfo === undefined ? null : object(o.agentInfo, `${what}.agentInfo`),
    environment: map(o.environment, `${what}.environment`, requiredString) ?? {}, labels: map(o.labels, `${what}.labels`, requiredString) ?? {} };
};

export interface CreateJobResponse { status: string; errors: string[] | null; id: string | null }
const createJobResponse = (v: unknown): CreateJobResponse => {
  const o = object(v, 'CreateJobResponse');
  return { status: requiredEnum(o.status, ['OK', 'ID_MISMATCH', 'JOB_ALREADY_EXISTS', 'INVALID_JOB_DEFINITION', 'UNKNOWN_JOB', 'AMBIGUOUS_JOB_REFERENCE'] as const, 'status'),
    errors: stringList(o.errors, 'errors'), id: optionalString(o.id, 'id') };
};

export interface HostJobResponse { status: string; host: string | null; job: string | null }
const hostJobResponse = (name: string, statuses: readonly string[]) => (v: unknown): HostJobResponse => {
  const o = object(v, name);
  return { status: requiredEnum(o.status, statuses, `${name}.status`), host: optionalString(o.host, `${name}.host`),
    job: o.job === undefined || o.job === null ? null : jobId(o.job, `${name}.job`) };
};
const jobDeployResponse = hostJobResponse('JobDeployResponse',
  ['OK', 'JOB_NOT_FOUND', 'PORT_CONFLICT', 'HOST_NOT_FOUND', 'JOB_ALREADY_DEPLOYED', 'ID_MISMATCH', 'INVALID_ID', 'AMBIGUOUS_JOB_REFERENCE', 'FORBIDDEN']);
const setGoalResponse = hostJobResponse('SetGoalResponse', ['OK', 'JOB_NOT_FOUND', 'HOST_NOT_FOUND', 'JOB_NOT_DEPLOYED', 'ID_MISMATCH', 'INVALID_ID', 'FORBIDDEN']);
const jobUndeployResponse = hostJobResponse('JobUndeployResponse', ['OK', 'JOB_NOT_FOUND', 'HOST_NOT_FOUND', 'INVALID_ID', 'FORBIDDEN']);

export interface JobDeleteResponse { status: string }
const jobDeleteResponse = (v: unknown): JobDeleteResponse =>
  ({ status: requiredEnum(object(v, 'JobDeleteResponse').status, ['OK', 'STILL_IN_USE', 'JOB_NOT_FOUND', 'FORBIDDEN'] as const, 'status') });

export interface HostDeregisterResponse { status: string; host: string | null }
const hostDeregisterResponse = (v: unknown): HostDeregisterResponse => {
  const o = object(v, 'HostDeregisterResponse');
  return { status: requiredEnum(o.status, ['OK', 'NOT_FOUND', 'JOBS_STILL_DEPLOYED'] as const, 'status'), host: optionalString(o.host, 'host') };
};

export interface TaskStatusEvent { status: TaskStatus; timestamp: number; host: string | null }
export interface TaskStatusEvents { events: TaskStatusEvent[]; status: 'OK' | 'JOB_ID_NOT_FOUND' }
const taskStatusEvents = (v: unknown): TaskStatusEvents => {
  const o = object(v, 'TaskStatusEvents');
  const events = o.events === undefined || o.events === null ? fail('events: is null')
    : Array.isArray(o.events) ? o.events : fail('events: expected a list');
  return {
    events: events.map((e, i) => {
      const event = object(e, `events[${i}]`);
      return { status: taskStatus(event.status, `events[${i}].status`), timestamp: long(event.timestamp, `events[${i}].timestamp`) ?? 0, host: optionalString(event.host, `events[${i}].host`) };
    }),
    status: requiredEnum(o.status, ['OK', 'JOB_ID_NOT_FOUND'] as const, 'status'),
  };
};

// ---- Jackson's writing of a Job built with Job.Builder -----------------------------------------

export interface JavaJobFields {
  name: string;
  version: string;
  image: string;
  command?: string[];
  env?: Record<string, string>;
  ports?: Record<string, { internalPort: number; externalPort?: number; ip?: string; protocol?: string }>;
  secondsToWaitBeforeKill?: number;
  token?: string;
  rolloutOptions?: { timeout?: number | null; parallelism?: number | null; migrate?: boolean | null; overlap?: boolean | null; token?: string | null; ignoreFailures?: boolean | null };
}

/**
 * The JSON Helios' client sends for `Job.newBuilder()…build()`: every property (Jackson's default
 * inclusion), sorted (SORT_PROPERTIES_ALPHABETICALLY), and the id with the hash the builder computes.
 */
export function javaJob(f: JavaJobFields): Json {
  const ports = Object.fromEntries(Object.entries(f.ports ?? {}).map(([name, p]) => [name,
    { externalPort: p.externalPort ?? null, internalPort: p.internalPort, ip: p.ip ?? null, protocol: p.protocol ?? 'tcp' }]));
  const rollout = f.rolloutOptions && { ignoreFailures: null, migrate: null, overlap: null, parallelism: null, timeout: null, token: null, ...f.rolloutOptions };
  const hashed = { name: f.name, version: f.version, image: f.image, command: f.command ?? [], env: f.env ?? {}, ports,
    ...(f.secondsToWaitBeforeKill !== undefined && { secondsToWaitBeforeKill: f.secondsToWaitBeforeKill }), token: f.token ?? '',
    ...(rollout && { rolloutOptions: rollout }) };
  // The builder hashes its fields with Jackson's NON_EMPTY, as core's jobHash does (nulls dropped).
  const hash = jobHash(hashed as unknown as HashedJob);
  return {
    addCapabilities: [], command: f.command ?? [], created: null, creatingUser: null, dropCapabilities: [], env: f.env ?? {}, expires: null,
    gracePeriod: null, healthCheck: null, hostname: null, id: `${f.name}:${f.version}:${hash}`, image: f.image, labels: {}, metadata: {},
    networkMode: null, ports, ramdisks: {}, registration: {}, registrationDomain: '', resources: null, rolloutOptions: rollout ?? null, runtime: null,
    secondsToWaitBeforeKill: f.secondsToWaitBeforeKill ?? null, securityOpt: [], token: f.token ?? '', volumes: {},
  };
}

/** A Deployment as Jackson writes it: its getters (`jobId`), deployerMaster and group left out when null. */
export const javaDeployment = (jobIdText: string, goal: 'START' | 'STOP' | 'UNDEPLOY') => ({ deployerUser: null, goal, jobId: jobIdText });

// ---- the client -------------------------------------------------------------------------------

const OK = 200;
const BAD_REQUEST = 400;
const FORBIDDEN = 403;
const NOT_FOUND = 404;
const BAD_METHOD = 405;

/** Guava's urlPathSegmentEscaper: unreserved, sub-delims, ":" and "@" stay. */
const escapeSegment = (s: string) => encodeURIComponent(s).replace(/%3A/gi, ':').replace(/%40/g, '@')
  .replace(/%21|%24|%26|%27|%28|%29|%2A|%2B|%2C|%3B|%3D/gi, (c) => decodeURIComponent(c));

export interface HeliosJavaClientOptions {
  endpoint: string;
  user: string;
  /** The client's release, sent as Helios-Version (default 0.9.282). */
  version?: string;
  /** An access token, as AuthenticatingHttpConnector sends one. */
  token?: string;
}

export class HeliosJavaClient {
  /** The Helios-Version-Status of every answer, in order (the client warns once on MAYBE). */
  readonly versionStatuses: string[] = [];
  /** Every raw answer, in order (to check headers). */
  readonly responses: RawResponse[] = [];

  constructor(private readonly options: HeliosJavaClientOptions) {}

  private uri(path: string, query: Array<[string, string]> = []): string {
    const params = new URLSearchParams([...query, ['user', this.options.user]]);
    return `${path}?${params.toString()}`;
  }

  private async request(path: string, method: string, entity?: unknown): Promise<RawResponse> {
    const url = new URL(path, this.options.endpoint);
    const headers: Record<string, string> = {
      'User-Agent': 'Java/1.8.0_412', Accept: 'text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2', 'Accept-Encoding': 'gzip',
      'Helios-Version': this.options.version ?? HELIOS_CLIENT_VERSION,
      ...(this.options.token && { Authorization: `Bearer ${this.options.token}` }),
    };
    const body = entity === undefined ? undefined : Buffer.from(JSON.stringify(entity));
    if (body) Object.assign(headers, { 'Content-Type': 'application/json', Charset: 'utf-8', 'Content-Length': String(body.length) });
    const response = await new Promise<RawResponse>((resolve, reject) => {
      const req = httpRequest(url, { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const gzip = res.headers['content-encoding'] === 'gzip';
          resolve({ method, path, status: res.statusCode ?? 0, headers: res.headers, text: (gzip ? gunzipSync(raw) : raw).toString('utf8') });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
    this.responses.push(response);
    const status = response.headers['helios-version-status'];
    if (typeof status === 'string') {
      if (!(VERSION_STATUSES as readonly string[]).includes(status)) throw new Error(`No enum constant VersionCompatibility.Status.${status}`);
      this.versionStatuses.push(status);
    }
    return response;
  }

  /** ConvertResponseToPojo. */
  private async convert<T>(response: Promise<RawResponse>, read: (json: unknown) => T, decodable: number[] = [OK]): Promise<T | null> {
    const reply = await response;
    if (reply.status === NOT_FOUND && !decodable.includes(NOT_FOUND)) return null;
    if (!decodable.includes(reply.status)) throw new HeliosException('request failed', reply);
    if (reply.text.length === 0) throw new HeliosException('bad reply', reply);
    try {
      return read(JSON.parse(reply.text));
    } catch (err) {
      throw new HeliosException(`bad reply (${(err as Error).message})`, reply);
    }
  }

  private get<T>(path: string, read: (json: unknown) => T): Promise<T | null> {
    return this.convert(this.request(path, 'GET'), read);
  }

  createJob(descriptor: Json) {
    return this.convert(this.request(this.uri('/jobs/'), 'POST', descriptor), createJobResponse, [OK, BAD_REQUEST]);
  }

  jobs(jobQuery?: string, hostNamePattern?: string) {
    const query: Array<[string, string]> = [];
    if (jobQuery) query.push(['q', jobQuery]);
    if (hostNamePattern) query.push(['hostPattern', hostNamePattern]);
    return this.get(this.uri('/jobs', query), (v) => map(v, 'jobs', job)!);
  }

  deploy(d: Deployment | ReturnType<typeof javaDeployment>, host: string, token = '') {
    return this.convert(this.request(this.uri(`/hosts/${escapeSegment(host)}/jobs/${escapeSegment(d.jobId)}`, [['token', token]]), 'PUT', d),
      jobDeployResponse, [OK, NOT_FOUND, BAD_METHOD, BAD_REQUEST, FORBIDDEN]);
  }

  setGoal(d: ReturnType<typeof javaDeployment>, host: string, token = '') {
    return this.convert(this.request(this.uri(`/hosts/${escapeSegment(host)}/jobs/${escapeSegment(d.jobId)}`, [['token', token]]), 'PATCH', d),
      setGoalResponse, [OK, NOT_FOUND, FORBIDDEN]);
  }

  deployment(host: string, id: string) {
    return this.get(this.uri(`/hosts/${escapeSegment(host)}/jobs/${escapeSegment(id)}`), (v) => deployment(v, 'Deployment'));
  }

  undeploy(id: string, host: string, token = '') {
    return this.convert(this.request(this.uri(`/hosts/${escapeSegment(host)}/jobs/${escapeSegment(id)}`, [['token', token]]), 'DELETE'),
      jobUndeployResponse, [OK, NOT_FOUND, BAD_REQUEST, FORBIDDEN]);
  }

  deleteJob(id: string, token = '') {
    return this.convert(this.request(this.uri(`/jobs/${escapeSegment(id)}`, [['token', token]]), 'DELETE'), jobDeleteResponse, [OK, NOT_FOUND, BAD_REQUEST, FORBIDDEN]);
  }

  jobHistory(id: string) {
    return this.convert(this.request(this.uri(`/history/jobs/${escapeSegment(id)}`), 'GET'), taskStatusEvents, [OK, NOT_FOUND]);
  }

  jobStatus(id: string) {
    return this.get(this.uri(`/jobs/${escapeSegment(id)}/status`), (v) => jobStatus(v, 'JobStatus'));
  }

  jobStatuses(ids: string[]) {
    return this.convert(this.request(this.uri('/jobs/statuses'), 'POST', ids), (v) => map(v, 'statuses', jobStatus)!);
  }

  hostStatus(host: string, query: Record<string, string> = {}) {
    return this.get(this.uri(`/hosts/${escapeSegment(host)}/status`, Object.entries(query)), (v) => hostStatus(v, 'HostStatus'));
  }

  hostStatuses(hosts: string[], query: Record<string, string> = {}) {
    return this.convert(this.request(this.uri('/hosts/statuses', Object.entries(query)), 'POST', hosts), (v) => map(v, 'statuses', hostStatus)!);
  }

  listHosts(namePattern?: string, selectors: string[] = []) {
    const query: Array<[string, string]> = [...(namePattern !== undefined ? [['namePattern', namePattern] as [string, string]] : []),
      ...selectors.map((s): [string, string] => ['selector', s])];
    return this.get(this.uri('/hosts/', query), (v) => stringList(v, 'hosts')!);
  }

  listMasters() {
    return this.get(this.uri('/masters/'), (v) => stringList(v, 'masters')!);
  }

  deregisterHost(host: string) {
    return this.convert(this.request(this.uri(`/hosts/${escapeSegment(host)}`), 'DELETE'), hostDeregisterResponse, [OK, NOT_FOUND]);
  }

  /** VersionResponse(clientVersion, masterVersion): the master's /version as a JSON string, or why not. */
  async version(): Promise<{ clientVersion: string; masterVersion: string }> {
    const reply = await this.request(this.uri('/version/'), 'GET');
    const masterVersion = reply.status === OK ? requiredString(JSON.parse(reply.text), 'version') : `Master replied with error code ${reply.status}`;
    return { clientVersion: this.options.version ?? HELIOS_CLIENT_VERSION, masterVersion };
  }
}
