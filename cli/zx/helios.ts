import { HeliosError, isHeliosError } from '../../core/errors/HeliosError.js';
import { isErrorCode } from '../../core/errors/codes.js';
import type { GuardOptions, HeliosClient } from '../../core/client/createClient.js';
import type { Job, JobSpec } from '../../core/schema/job.js';
import type { AuditEvent, Whoami } from '../../core/schema/auth.js';
import type { LogRecord } from '../../core/schema/channel.js';
import type { Goal, HostStatus, JobStatus, TaskState, TaskStatus, TaskStatusEvent } from '../../core/schema/status.js';
import type {
  CreateDeploymentGroupResponse, DeploymentGroupHistory, DeploymentGroupStatusResponse, StoredDeploymentGroup,
} from '../../core/schema/deploymentGroup.js';
import type { EffectiveRolloutOptions, RolloutOptions } from '../../core/model/rolloutOptions.js';
import { parseDuration } from '../../core/model/duration.js';
import { bracketList } from '../format.js';
import { explainUnknownHosts, forEachHost, unknownHostMessage, type HostResult } from '../hostResults.js';
import { jobToCreate } from '../jobToCreate.js';
import type { MasterConnection } from '../command.js';
import type { Output } from '../output.js';
import { resolveJob } from '../resolveJob.js';
import { resolveTargets } from '../targets.js';
import { containerCalls, type ExecOptions, type ExecResult, type LogsOptions } from './containers.js';
import { groupCalls } from './groups.js';
import { DEFAULT_INTERVAL_MS, waitForTasks, watchTasks } from './taskWaits.js';

/** A time as zx takes one: milliseconds, or a string such as '500ms', '30s', '5m'. */
export type Duration = number | string;

/** One host name, or several. Names resolve as the CLI's: an exact name, a unique prefix, `local`. */
export type Hosts = string | readonly string[];

export interface CreateOptions {
  /** Start from an existing job's configuration (a job reference), as `create -t`. */
  template?: string;
  /** The very job (same id) on the master already is no error: resolves with it, `created` false (a release run again). */
  reuse?: boolean;
}

export interface CreatedJob {
  id: string;
  job: Job;
  warnings: string[];
  /** False when `reuse` found the job there already. */
  created: boolean;
}

export interface DeployOptions extends GuardOptions {
  /** false: deploy with goal STOP (reserved on the host, not started), as `deploy --no-start`. */
  start?: boolean;
}

export interface WaitOptions {
  /** How long to wait (default 120 s, as `deploy --watch`). */
  timeout?: Duration;
  /** How often to look (default 250 ms). */
  interval?: Duration;
}

export interface WatchOptions {
  /** Only these hosts' tasks (default: every host's). */
  hosts?: Hosts;
  /** End the iteration after this long (default: never; break out of the loop to stop). */
  for?: Duration;
  interval?: Duration;
  signal?: AbortSignal;
}

export interface HostsFilter {
  /** A regular expression found anywhere in the name, as `helios hosts PATTERN`. */
  pattern?: string;
  /** Label selectors, all to match: 'role = web', 'dc in (lon, ams)'. */
  selectors?: readonly string[];
  status?: 'UP' | 'DOWN';
}

export interface RollingUpdateOptions extends RolloutOptions {
  /** false: return once the rollout has started (`--async`). */
  wait?: boolean;
  /** How long to wait for the outcome (default 60 minutes, as `-T`). */
  waitTimeout?: Duration;
}

export interface RollingUpdateResult {
  rolloutId: number;
  jobId: string;
  options: EffectiveRolloutOptions;
  /** DONE, or STARTED with `wait: false` (and in a dry run). A failed rollout throws ROLLOUT_FAILED. */
  status: 'DONE' | 'STARTED';
}

/**
 * What a zx script drives a Helios cluster with: every write and read of the `helios` command, as
 * promises of core's typed shapes, failing with the same HeliosErrors (`err.code`) the CLI turns into
 * exit codes. Jobs are job references and hosts host names as on the command line.
 * @example
 *   const { id } = await helios.create('jobs/web.yaml');
 *   await helios.deploy(id, 'web1');
 *   await helios.waitFor(id, 'web1', 'RUNNING', { timeout: '2m' });
 */
export interface Helios {
  /** True under `helios run --dry-run`: writes print what they would do, and waits do not wait. */
  readonly dryRun: boolean;
  /** core's client, for anything else the master's API has. */
  readonly client: HeliosClient;
  /** Whether `err` is a HeliosError (of `code`, if given). */
  isError(err: unknown, code?: HeliosError['code']): err is HeliosError;

  /** Creates a job from a job file (JSON or a GitOps YAML file) or a spec; the id is computed here as the master computes it. */
  create(job: string | JobSpec, options?: CreateOptions): Promise<CreatedJob>;
  /** Removes a job deployed nowhere; resolves with its id. */
  remove(job: string, options?: GuardOptions): Promise<string>;
  inspect(job: string): Promise<Job>;
  /** The jobs whose id contains `filter` (every job without one), by id. */
  jobs(filter?: string): Promise<Record<string, Job>>;

  /** Deploys on every host (one failing does not stop the others); resolves with the hosts, or throws the first host's error. */
  deploy(job: string, hosts: Hosts, options?: DeployOptions): Promise<string[]>;
  /** Undeploys from the hosts, or with `{ all: true }` from every host the job is on. */
  undeploy(job: string, hosts: Hosts | { all: true }, options?: GuardOptions): Promise<string[]>;
  start(job: string, hosts: Hosts, options?: GuardOptions): Promise<string[]>;
  stop(job: string, hosts: Hosts, options?: GuardOptions): Promise<string[]>;

  /** Where the job is deployed and each task's status. */
  status(job: string): Promise<JobStatus>;
  /** Every task state change of the job, oldest first. */
  history(job: string, options?: { host?: string }): Promise<TaskStatusEvent[]>;
  /** The hosts and their status, by name. */
  hosts(filter?: HostsFilter): Promise<Record<string, HostStatus>>;
  /** The job's task state changes as they happen: first where each host is now, then each change. */
  watch(job: string, options?: WatchOptions): AsyncIterableIterator<TaskStatusEvent>;
  /**
   * Resolves once the job's task on every host is in `state` (RUNNING: its health check passing);
   * TASK_FAILED when one FAILED or is throttled, WAIT_TIMED_OUT saying what each host was doing. In a
   * dry run it resolves at once, each task as the wait would leave it (no container id).
   */
  waitFor(job: string, hosts: Hosts, state: TaskState, options?: WaitOptions): Promise<Record<string, TaskStatus>>;

  /**
   * The job's container logs, through the master, as `helios logs`: each line printed (a LogLine,
   * `'line' in record`), and what happened to each host's stream (a LogEvent: `container` when the
   * lines that follow come from another container, `end` when the host's lines are all read, `error`
   * with the `code` and `message` of a host that failed, such as AGENT_NOT_CONNECTED for an agent
   * gone mid-stream; the other hosts go on). A `break` ends the request.
   * @example
   *   for await (const r of helios.logs(id, { tail: 20, follow: true })) {
   *     if ('line' in r) echo(`${r.host}: ${r.line}`);
   *     else if (r.event === 'error') echo(`${r.host} lost: ${r.message}`);
   *     if ('line' in r && r.line.includes('ready')) break;
   *   }
   */
  logs(job: string, options?: LogsOptions): AsyncIterableIterator<LogRecord>;
  /**
   * Runs `command` in the job's running container on `host` (its exact name), as `helios exec`, and
   * resolves with its exit code and output. A command that fails resolves too (`ok` false, its
   * `exitCode`): its outcome is the script's to judge. What Helios refuses throws (FORBIDDEN for a
   * token without role exec, JOB_NOT_DEPLOYED, AGENT_NOT_CONNECTED…). A dry run says it, runs
   * nothing, and resolves with exit code 0 and no output.
   * @example
   *   const { exitCode, stdout } = await helios.exec(id, 'web1', ['sh', '-c', 'pg_isready && psql -tc "select 1"']);
   *   await helios.exec(id, 'web1', ['sh', '-c', 'cat > /tmp/seed.sql'], { input: await fs.readFile('seed.sql') });
   */
  exec(job: string, host: string, command: readonly string[], options?: ExecOptions): Promise<ExecResult>;

  /** Registers a host name for the agent with that id before it starts, as `helios register`. */
  register(host: string, agentId: string): Promise<void>;
  /** Forgets a host (its jobs undeployed first), as `helios deregister`. */
  deregister(host: string): Promise<void>;
  /** The cluster's masters. */
  masters(): Promise<string[]>;
  /** The master's version. */
  version(): Promise<string>;
  /** Your token's name and role, and the privileged fields it may use. */
  whoami(): Promise<Whoami>;
  /** Who changed what, newest first, as `helios audit`. */
  audit(filter?: { job?: string; host?: string; limit?: number; before?: number }): Promise<AuditEvent[]>;

  deploymentGroups: {
    list(): Promise<string[]>;
    inspect(name: string): Promise<StoredDeploymentGroup>;
    /** The hosts whose labels match every selector ('role=web'). */
    create(name: string, selectors: readonly string[]): Promise<CreateDeploymentGroupResponse['status']>;
    remove(name: string): Promise<void>;
    status(name: string): Promise<DeploymentGroupStatusResponse>;
    history(name: string): Promise<DeploymentGroupHistory>;
    /** Rolls the group out to the job and waits for the outcome (ROLLOUT_FAILED, WAIT_TIMED_OUT). */
    rollingUpdate(job: string, group: string, options?: RollingUpdateOptions): Promise<RollingUpdateResult>;
    /** Stops the group's rollout. */
    stop(name: string): Promise<void>;
  };
}

/** What a Helios drives: a client of one cluster, as the CLI connects it. */
export interface HeliosContext {
  client: HeliosClient;
  /** The client's masters, token and TLS settings, for the streams the client has no call for (logs, exec: masterStream.ts). */
  connection: MasterConnection;
  env: NodeJS.ProcessEnv;
  /** Where dry-run lines and rollout progress go (stderr and stdout, escaped as every CLI line). */
  out: Output;
  dryRun: boolean;
}

const DEFAULT_WAIT_MS = 120_000;

/** Milliseconds of a Duration: a number is ms (as zx's), a string '30s'-style (a bare number: seconds). */
export function durationMs(value: Duration | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new HeliosError('INVALID_ARGUMENT', `${what}: expected milliseconds (0 or more), got ${value}`);
    return value;
  }
  return parseDuration(value, what);
}

const hostList = (hosts: Hosts) => (typeof hosts === 'string' ? [hosts] : [...hosts]);

export function createHelios(context: HeliosContext): Helios {
  const { client, out, dryRun } = context;
  /** A dry run's created jobs: later calls resolve them as the master would have. */
  const planned = new Map<string, Job>();
  const say = (line: string) => out.info(`dry run: ${line}`);
  const resolve = (ref: string) => resolveJob(client, ref, planned);

  /** The hosts as the CLI resolves them; a dry run also refuses a host the master does not know, as the write would. */
  async function targets(names: Hosts): Promise<{ hosts: string[]; failures: Map<string, HeliosError>; known: string[] }> {
    const list = hostList(names);
    if (list.length === 0) throw new HeliosError('INVALID_ARGUMENT', 'no host given');
    return resolveTargets(client, list, { masters: context.connection.masters, env: context.env });
  }

  /** A write on each host at once (the CLI's forEachHost), or in a dry run a line per host; any host failing throws. */
  async function onHosts(verb: string, jobId: string, names: Hosts, write: (host: string) => Promise<unknown>): Promise<string[]> {
    const { hosts, failures, known } = await targets(names);
    const results = dryRun
      ? hosts.map((host): HostResult => {
        const failure = failures.get(host);
        if (failure) return { host, status: failure.code, message: failure.message };
        return known.includes(host) ? { host, status: 'OK', message: null } : { host, status: 'HOST_NOT_FOUND', message: unknownHostMessage(host, known) };
      })
      : await explainUnknownHosts(client, await forEachHost(hosts, write, failures), known);
    if (dryRun && results.some((r) => r.status === 'OK')) say(`${verb} ${jobId} on ${bracketList(results.filter((r) => r.status === 'OK').map((r) => r.host))}`);
    throwFailures(jobId, results);
    return hosts;
  }

  const setGoal = (goal: Goal, verb: string) => async (job: string, hosts: Hosts, o?: GuardOptions) => {
    const { id } = await resolve(job);
    return onHosts(verb, id, hosts, (host) => client.deployments.setGoal(host, id, goal, o));
  };

  const groups = groupCalls(context, resolve, say);
  const containers = containerCalls(context, { resolve, targets, planned: (id) => planned.has(id), say });

  return {
    dryRun,
    client,
    isError: (err, code) => isHeliosError(err, code),

    async create(job, o = {}) {
      const from = typeof job === 'string' ? { file: job, template: o.template } : { spec: job, template: o.template };
      const { job: built, warnings } = await jobToCreate(async () => client, from, { positionals: [], flags: {}, rest: [], env: context.env });
      if (dryRun) {
        // The master refuses a name:version it has (JOB_ALREADY_EXISTS), unless it is this very job and `reuse` says that is fine.
        const nameVersion = built.id.split(':').slice(0, 2).join(':');
        const same = Object.keys(await client.jobs.list({ q: nameVersion.split(':')[0] })).find((id) => id.startsWith(`${nameVersion}:`));
        if (same === built.id && o.reuse) return { id: built.id, job: built, warnings, created: false };
        if (same) throw new HeliosError('JOB_ALREADY_EXISTS', `job ${nameVersion} already exists (${same})`, { id: same });
        planned.set(built.id, built);
        say(`create ${built.id}`);
        return { id: built.id, job: built, warnings, created: true };
      }
      try {
        const created = await client.jobs.create(built);
        return { id: created.id, job: created.job ?? built, warnings: [...warnings, ...(created.warnings ?? [])], created: true };
      } catch (err) {
        if (!o.reuse || !isHeliosError(err, 'JOB_ALREADY_EXISTS') || err.data.id !== built.id) throw err;
        return { id: built.id, job: await client.jobs.get(built.id), warnings, created: false };
      }
    },
    async remove(job, o) {
      const { id } = await resolve(job);
      if (dryRun) say(`remove ${id}`);
      else await client.jobs.remove(id, o);
      return id;
    },
    inspect: async (job) => (await resolve(job)).job,
    jobs: async (filter) => ({ ...await client.jobs.list({ q: filter }), ...Object.fromEntries([...planned].filter(([id]) => !filter || id.includes(filter))) }),

    async deploy(job, hosts, o = {}) {
      const { id } = await resolve(job);
      const goal: Goal = o.start === false ? 'STOP' : 'START';
      return onHosts(`deploy (goal ${goal})`, id, hosts, (host) => client.deployments.deploy(host, id, { goal, token: o.token, force: o.force }));
    },
    async undeploy(job, hosts, o) {
      const { id } = await resolve(job);
      const names = typeof hosts === 'object' && 'all' in hosts ? Object.keys((await status(id)).deployments).sort() : hosts;
      if (hostList(names as Hosts).length === 0) return [];
      return onHosts('undeploy', id, names as Hosts, (host) => client.deployments.undeploy(host, id, o));
    },
    start: setGoal('START', 'start'),
    stop: setGoal('STOP', 'stop'),

    status: async (job) => status((await resolve(job)).id),
    async history(job, o = {}) {
      const { id } = await resolve(job);
      if (planned.has(id)) return [];
      return (await client.jobs.history(id)).events.filter((e) => o.host === undefined || e.host === o.host);
    },
    async hosts(filter = {}) {
      const names = (await client.hosts.list({ namePattern: filter.pattern, selector: filter.selectors ? [...filter.selectors] : undefined })).sort();
      const statuses = names.length > 0 ? await client.hosts.statuses(names) : {};
      return Object.fromEntries(names.filter((name) => statuses[name] && (!filter.status || statuses[name].status === filter.status)).map((name) => [name, statuses[name]]));
    },
    watch(job, o = {}) {
      return (async function* () {
        const { id } = await resolve(job);
        if (planned.has(id)) {
          say(`watch ${id} (it is not created: nothing to watch)`);
          return;
        }
        const hosts = o.hosts === undefined ? undefined : (await targets(o.hosts)).hosts;
        yield* watchTasks(client, id, hosts, {
          durationMs: o.for === undefined ? undefined : durationMs(o.for, 0, 'watch: for'), intervalMs: durationMs(o.interval, DEFAULT_INTERVAL_MS, 'watch: interval'), signal: o.signal,
        });
      })();
    },
    async waitFor(job, names, state, o = {}) {
      const { id } = await resolve(job);
      const { hosts, failures } = await targets(names);
      const failure = [...failures.values()][0];
      if (failure) throw failure;
      const timeoutMs = durationMs(o.timeout, DEFAULT_WAIT_MS, 'waitFor: timeout');
      if (dryRun) {
        // What it waits for is a write a dry run did not make: say so, and go on with what the master has.
        say(`wait up to ${timeoutMs / 1000} s for ${id} to be ${state} on ${bracketList(hosts)}`);
        const { job: of, taskStatuses } = await status(id);
        return Object.fromEntries(hosts.map((h) => [h, taskStatuses[h]?.state === state ? taskStatuses[h] : assumedTask(of, state)]));
      }
      return waitForTasks(client, id, hosts, state, { timeoutMs, intervalMs: durationMs(o.interval, DEFAULT_INTERVAL_MS, 'waitFor: interval') });
    },
    logs: containers.logs,
    exec: containers.exec,
    async register(host, agentId) {
      if (dryRun) say(`register host ${host} for agent ${agentId}`);
      else await client.hosts.register(host, agentId);
    },
    async deregister(host) {
      const known = await client.hosts.list();
      if (!known.includes(host)) throw new HeliosError('HOST_NOT_FOUND', unknownHostMessage(host, known), { host });
      if (dryRun) say(`deregister host ${host}`);
      else await client.hosts.deregister(host);
    },
    masters: () => client.masters(),
    version: () => client.version(),
    whoami: () => client.whoami(),
    async audit(filter = {}) {
      const job = filter.job === undefined ? undefined : (await resolve(filter.job)).id;
      return (await client.audit({ ...filter, job })).events;
    },
    deploymentGroups: groups,
  };

  /** A planned job's status is what the master would say of a job just created. */
  async function status(id: string): Promise<JobStatus> {
    const job = planned.get(id);
    return job ? { job, deployments: {}, taskStatuses: {} } : client.jobs.status(id);
  }
}

/** A task as a dry run assumes it once a wait is over: in that state, no container yet. */
const assumedTask = (job: Job, state: TaskState): TaskStatus => ({
  jobId: job.id, goal: 'START', state, containerId: null, throttled: 'NO', ports: job.ports ?? {}, env: job.env ?? {}, containerError: null,
});

/** Several hosts failing: the first's code, every host's message, and each host's result in `data.results`. */
function throwFailures(jobId: string, results: HostResult[]): void {
  const failed = results.filter((r) => r.status !== 'OK');
  if (failed.length === 0) return;
  const code = isErrorCode(failed[0].status) ? failed[0].status : 'INTERNAL_ERROR';
  throw new HeliosError(code, failed.map((r) => `${r.host}: ${r.message ?? r.status}`).join('; '), { jobId, results });
}

