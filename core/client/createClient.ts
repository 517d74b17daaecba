import type { Job, JobSpec } from '../schema/job.js';
import type { Deployment, Goal, HostStatus, JobStatus, TaskStatusEvent } from '../schema/status.js';
import type { DesiredTasks, HeartbeatRequest, HeartbeatResponse, StatusReport } from '../schema/protocol.js';
import type { SyncApplyRequest, SyncRegistration, SyncResult, SyncSource } from '../schema/sync.js';
import type { AuditEvent, Whoami } from '../schema/auth.js';
import type { RegistryAccount, RegistryAuthAnswer, RegistryLogin } from '../schema/registry.js';
import type {
  CreateDeploymentGroupResponse, DeploymentGroup, DeploymentGroupHistory, DeploymentGroupStatusResponse, RemoveDeploymentGroupResponse,
  RollingUpdateRequest, RollingUpdateResponse, StoredDeploymentGroup,
} from '../schema/deploymentGroup.js';
import { CLUSTER_ID_HEADER } from '../schema/headers.js';
import { createTransport, seg, type ClientOptions } from './transport.js';

export interface CreateJobResponse {
  status: 'OK';
  id: string;
  job: Job;
  warnings: string[];
}

export interface OkResponse {
  status: 'OK';
}

/** One page of GET /jobs (asked with `limit`): pass `next` as `after` for the next page; absent on the last. */
export interface JobsPage {
  jobs: Record<string, Job>;
  next?: string;
}

/** One page of a job's history (asked with `limit`), in arrival order; `next` as for JobsPage. */
export interface HistoryPage {
  events: TaskStatusEvent[];
  next?: number;
}

/**
 * An agent's calls carry the cluster it has recorded, none before its first desired set: a master of
 * another cluster refuses them with CLUSTER_MISMATCH.
 */
export interface AgentCallOptions {
  clusterId?: string | null;
  signal?: AbortSignal;
}

/** `token` is the job's token (an accident guard); `force` changes what git owns. */
export interface GuardOptions {
  token?: string;
  force?: boolean;
}

/**
 * The typed client of the master API: the only way components talk to each other.
 * @example
 *   const helios = createClient({ baseUrl: 'http://127.0.0.1:5801' });
 *   const { id } = await helios.jobs.create({ id: 'web:1', image: 'busybox:latest' });
 *   await helios.deployments.deploy('agent-1', id);
 */
export function createClient(options: ClientOptions) {
  const request = createTransport(options);
  const guard = (o: GuardOptions = {}) => ({ token: o.token || undefined, force: o.force ? 'true' : undefined });
  const cluster = (o: AgentCallOptions) => (o.clusterId ? { [CLUSTER_ID_HEADER]: o.clusterId } : undefined);

  return {
    baseUrl: options.baseUrl,
    jobs: {
      list: (filter: { q?: string; hostPattern?: string } = {}) => request<Record<string, Job>>('GET', '/jobs', { query: filter }),
      get: (id: string) => request<Job>('GET', `/jobs/${seg(id)}`),
      create: (spec: JobSpec) => request<CreateJobResponse>('POST', '/jobs', { body: spec }),
      remove: (id: string, o?: GuardOptions) => request<OkResponse>('DELETE', `/jobs/${seg(id)}`, { query: guard(o) }),
      status: (id: string) => request<JobStatus>('GET', `/jobs/${seg(id)}/status`),
      statuses: (ids: string[]) => request<Record<string, JobStatus>>('POST', '/jobs/statuses', { body: ids }),
      history: (id: string) => request<{ events: TaskStatusEvent[] }>('GET', `/history/jobs/${seg(id)}`),
      /**
       * One page of the jobs, in id order (the same filters as `list`).
       * @example
       *   for (let page = await helios.jobs.page({ limit: 500 }); ; page = await helios.jobs.page({ limit: 500, after: page.next })) {
       *     use(page.jobs);
       *     if (page.next === undefined) break;
       *   }
       */
      page: (o: { q?: string; hostPattern?: string; limit: number; after?: string }) => request<JobsPage>('GET', '/jobs', { query: o }),
      /** One page of a job's history, in arrival order (`after`: the previous page's `next`). */
      historyPage: (id: string, o: { limit: number; after?: number }) => request<HistoryPage>('GET', `/history/jobs/${seg(id)}`, { query: o }),
    },
    hosts: {
      list: (filter: { namePattern?: string; selector?: string[] } = {}) => request<string[]>('GET', '/hosts', { query: filter }),
      /** Registers agent `id` as the host (an agent passes its AgentCallOptions). */
      register: (host: string, id: string, o: AgentCallOptions = {}) =>
        request<OkResponse>('PUT', `/hosts/${seg(host)}`, { query: { id }, headers: cluster(o), signal: o.signal }),
      deregister: (host: string) => request<OkResponse>('DELETE', `/hosts/${seg(host)}`),
      status: (host: string) => request<HostStatus>('GET', `/hosts/${seg(host)}/status`),
      statuses: (hosts: string[]) => request<Record<string, HostStatus>>('POST', '/hosts/statuses', { body: hosts }),
    },
    deployments: {
      deploy: (host: string, jobId: string, o: GuardOptions & { goal?: Goal } = {}) =>
        request<OkResponse>('PUT', `/hosts/${seg(host)}/jobs/${seg(jobId)}`, { query: guard(o), body: { job: jobId, goal: o.goal ?? 'START' } }),
      setGoal: (host: string, jobId: string, goal: Goal, o?: GuardOptions) =>
        request<OkResponse>('PATCH', `/hosts/${seg(host)}/jobs/${seg(jobId)}`, { query: guard(o), body: { job: jobId, goal } }),
      undeploy: (host: string, jobId: string, o?: GuardOptions) =>
        request<OkResponse>('DELETE', `/hosts/${seg(host)}/jobs/${seg(jobId)}`, { query: guard(o) }),
      get: (host: string, jobId: string) => request<Deployment>('GET', `/hosts/${seg(host)}/jobs/${seg(jobId)}`),
    },
    agents: {
      heartbeat: (host: string, body: HeartbeatRequest, o: AgentCallOptions = {}) =>
        request<HeartbeatResponse>('POST', `/agents/${seg(host)}/heartbeat`, { body, headers: cluster(o), signal: o.signal }),
      /**
       * Blocks up to `waitMs` until the host's desired state is newer than `index`. `agentId`: the
       * caller's registration id; the master refuses another agent's with HOST_ID_MISMATCH. With
       * `limit`, one page of the set, after job id `after` (see DesiredTasks.next).
       */
      tasks: (host: string, index: number, waitMs: number, o: AgentCallOptions & { agentId: string; limit?: number; after?: string }) =>
        request<DesiredTasks>('GET', `/agents/${seg(host)}/tasks`, {
          query: { index, wait: waitMs, id: o.agentId, limit: o.limit, after: o.after }, timeoutMs: waitMs + 10_000, headers: cluster(o), signal: o.signal,
        }),
      reportStatuses: (host: string, body: StatusReport, o: AgentCallOptions = {}) =>
        request<OkResponse>('POST', `/agents/${seg(host)}/statuses`, { body, headers: cluster(o), signal: o.signal }),
      /** The master-held credential for pulling `jobId`'s image on `host` (only that host's agent may ask). */
      registryAuth: (host: string, jobId: string, o: AgentCallOptions & { agentId: string }) =>
        request<RegistryAuthAnswer>('GET', `/agents/${seg(host)}/registry-auth`, { query: { job: jobId, id: o.agentId }, headers: cluster(o), signal: o.signal }),
    },
    /**
     * Deployment groups (`/deployment-group/`, Helios' paths): hosts chosen by label selectors, kept
     * on the group's job; a rolling update moves them to another job a chunk at a time.
     */
    deploymentGroups: {
      /** The groups' names, sorted. */
      list: () => request<string[]>('GET', '/deployment-group/'),
      get: (name: string) => request<StoredDeploymentGroup>('GET', `/deployment-group/${seg(name)}`),
      /** CREATED, or NOT_MODIFIED for the same name and selectors; other selectors are DEPLOYMENT_GROUP_EXISTS (409). */
      create: (group: DeploymentGroup) => request<CreateDeploymentGroupResponse>('POST', '/deployment-group/', { body: group }),
      /** Forgets the group; what it deployed stays deployed, as in Helios. `force`: a group a git source declares. */
      remove: (name: string, o?: GuardOptions) => request<RemoveDeploymentGroupResponse>('DELETE', `/deployment-group/${seg(name)}`, { query: guard(o) }),
      rollingUpdate: (name: string, body: RollingUpdateRequest, o?: GuardOptions) =>
        request<RollingUpdateResponse>('POST', `/deployment-group/${seg(name)}/rolling-update`, { body, query: guard(o) }),
      /** Stops the rollout in progress (the group ends FAILED, 'Stopped by user'). */
      stop: (name: string) => request<void>('POST', `/deployment-group/${seg(name)}/stop`),
      status: (name: string) => request<DeploymentGroupStatusResponse>('GET', `/deployment-group/${seg(name)}/status`),
      /** The group's rollouts, newest first. */
      history: (name: string) => request<DeploymentGroupHistory>('GET', `/deployment-group/${seg(name)}/history`),
    },
    /** The master's registry accounts (an admin's): their secrets go in, never out. */
    registry: {
      list: () => request<RegistryAccount[]>('GET', '/registry/accounts'),
      /** Logs account `name` in, or replaces its user and secret. */
      login: (name: string, body: RegistryLogin) => request<RegistryAccount>('PUT', `/registry/accounts/${seg(name)}`, { body }),
      /** Removes the account named `ref`, or the one account of registry host `ref`. */
      logout: (ref: string) => request<{ status: 'OK'; removed: RegistryAccount }>('DELETE', `/registry/accounts/${seg(ref)}`),
    },
    sync: {
      apply: (source: string, body: SyncApplyRequest) =>
        request<SyncResult>('PUT', `/sync/sources/${seg(source)}`, { body, timeoutMs: 120_000 }),
      sources: () => request<SyncSource[]>('GET', '/sync/sources'),
      source: (name: string) => request<SyncSource>('GET', `/sync/sources/${seg(name)}`),
      /** Says what a source follows (before its first sync), or re-points one that moved. */
      register: (name: string, follows: SyncRegistration) => request<SyncSource>('PUT', `/sync/sources/${seg(name)}/registration`, { body: follows }),
      /** Deletes a source that owns no job or deployment. */
      remove: (name: string) => request<OkResponse>('DELETE', `/sync/sources/${seg(name)}`),
    },
    masters: () => request<string[]>('GET', '/masters'),
    /** Who changed what, newest first (`before`: the seq of the last event of the previous page). */
    audit: (filter: { job?: string; host?: string; before?: number; limit?: number } = {}) =>
      request<{ events: AuditEvent[] }>('GET', '/audit', { query: filter }),
    /** Who the master takes this client's token for. */
    whoami: () => request<Whoami>('GET', '/whoami'),
    version: () => request<string>('GET', '/version'),
  };
}

export type HeliosClient = ReturnType<typeof createClient>;
