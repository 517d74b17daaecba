/**
 * The agent's reconcile loop and its wiring.
 *
 * Invariants:
 *  - One reactor pass at a time; the long-poll, Docker's event stream, Docker recovering and a periodic
 *    resync only signal it. A pass = this agent's containers → computePlan (pure) → applyPlan. The
 *    containers come from a listing at start-up, on every resync and after the event stream broke;
 *    in between from the view (last listing + events), so a deploy costs no listing.
 *  - One supervisor per task; only it touches the task's container, one step at a time.
 *  - Ownership is by label only: containers without `helios.agent=<name>` are never touched.
 *  - The agent records the cluster of the first master that gives it a desired set. Until the master
 *    has first answered, and while it is of another cluster, the agent holds (link/clusterStanding.ts):
 *    it keeps the containers it has running and supervised, creates none and reaps none.
 *  - Every desired set the master sends is persisted (atomically, tmp + fsync + rename), so the agent runs
 *    its tasks after `kill -9` with the master away; nothing on the way to a container waits for it.
 *  - Stopping the agent lets go of containers; it never stops them.
 *  - A dead master or Docker engine is logged when it starts failing and when it recovers, and retried.
 */
import type { Logger } from 'pino';
import { createClient, HELIOS_VERSION, isHeliosError, serveMetrics, type DesiredTask, type DesiredTasks, type HostInfo, type TaskStatus, type TaskUpdate } from '../core/index.js';
import { reportedAgentEnv } from './docker/containerSpec.js';
import { createDockerAdapter, type ObservedContainer } from './docker/dockerAdapter.js';
import { isDockerError } from './docker/errors.js';
import { followEvents } from './docker/followEvents.js';
import { hostInfo } from './hostInfo.js';
import { createLogger } from './log.js';
import { createClusterStanding } from './link/clusterStanding.js';
import { startMasterLink } from './link/masterLink.js';
import { createStatusReporter } from './link/statusReporter.js';
import { resolveOptions, type AgentOptions } from './options.js';
import { applyPlan } from './reconcile/applyPlan.js';
import { computePlan } from './reconcile/computePlan.js';
import { createContainerView } from './reconcile/containerView.js';
import { createReactor } from './reconcile/reactor.js';
import { openStateStore, type StateStore } from './state/stateStore.js';
import { startImageGc } from './imageGc/imageGc.js';
import { openPulledImages, recordingPulls } from './imageGc/pulledImages.js';
import { Supervisor, type SupervisorDeps } from './supervisor/supervisor.js';
import { pullCredentials } from './registry/pullCredentials.js';
import { staticHostPorts, type PortBook } from './supervisor/taskPorts.js';
import { createTrouble } from './trouble.js';
import { createAgentMetrics } from './metrics/agentMetrics.js';
import { createDockerStreams } from './docker/dockerStreams.js';
import { startMasterChannels } from './channel/masterChannel.js';
import { serveLogs } from './channel/containerLogs.js';
import { serveExec } from './channel/containerExec.js';

export interface Agent {
  name: string;
  stateDir: string;
  /** The latest status of every supervised task, as reported. */
  statuses(): TaskStatus[];
  /** Why Docker cannot be reached, or null. */
  dockerError(): string | null;
  /** Why the master is refused as another cluster's, or null. */
  clusterMismatch(): string | null;
  /** Where GET /metrics is served (`--metrics`), or undefined. */
  metricsUrl?: string;
  /** Lets go of everything (containers keep running). */
  stop(): Promise<void>;
}

const DOCKER_RETRY_MS = 2_000;
/**
 * Each call but the blocking query (which waits its own time): a silent master (a lost machine, no
 * connection reset) is left for the next well within the master's 30 s --down-after, so the host stays
 * UP, and the blocking query waiting on it moves with it (core/client/transport.ts).
 */
const CALL_TIMEOUT_MS = 10_000;
const EVENTS_ACTIONS = new Set(['die', 'start', 'stop', 'kill', 'destroy', 'oom', 'pause', 'unpause']);

/**
 * Starts an agent in this process.
 * @example
 *   const agent = await startAgent({ master: 'http://127.0.0.1:5801', name: 'agent-1', bindIp: '127.0.0.1' })
 *   …
 *   await agent.stop()
 */
export async function startAgent(options: AgentOptions): Promise<Agent> {
  const o = resolveOptions(options);
  const log: Logger = o.logger ?? createLogger(o.name);
  const store = await openStateStore(o.stateDir, (err) => log.error({ err, stateDir: o.stateDir }, 'agent state file unreadable, starting empty'));
  if (o.joinNewCluster) await joinNewCluster(store, log);
  const statuses = new Map<string, TaskStatus>();
  /**
   * Each task's latest report, sent again as it was when the master answers after a failure (a
   * restored database, a standby that missed commits, a report it took and lost) and every
   * --status-resync; the master takes one equal to the status it holds as nothing new.
   */
  const lastUpdates = new Map<string, TaskUpdate>();
  const reportAllAgain = () => { for (const update of lastUpdates.values()) reporter.push(update); };
  const metrics = createAgentMetrics({ statuses: () => statuses.values(), dockerError: () => dockerTrouble.message });
  // Before anything runs: an address that cannot be listened on stops the start with nothing to undo.
  const metricsServer = o.metrics && await serveMetrics(o.metrics, metrics.registry);
  const docker = createDockerAdapter(o.dockerHost, o.name, {}, metrics.dockerCall);
  const pulled = await openPulledImages(o.stateDir, (err) => log.error({ err, stateDir: o.stateDir }, 'record of pulled images unreadable: the images in it are kept'));
  // Every call of this agent may be sent twice (registering, heartbeats, reading the desired set, status
  // reports the master takes once by their content), so a call cut off by a master's end goes to the next.
  const client = createClient({ baseUrl: o.masters[0], masters: o.masters, resend: 'all', timeoutMs: CALL_TIMEOUT_MS, token: o.token, tls: o.tls, owner: 'agent', masterHint: '--master',
    // --master is required, so it is set: what may be wrong is the master, or the address given.
    masterDownHint: 'is the master running there? --master is where this agent looks for it' });
  const dockerTrouble = createTrouble(log, `Docker engine at ${o.dockerHost}`, describeDockerError);
  const masterName = o.masters.length === 1 ? `master at ${o.masters[0]}` : `masters ${o.masters.join(', ')}`;
  const masterTrouble = createTrouble(log, masterName, (err) => (err instanceof Error ? err.message : String(err)));
  const standing = createClusterStanding({ log, master: masterName, stateDir: o.stateDir, onChange: () => reactor.signal() });
  const supervisors = new Map<string, Supervisor>();
  const view = createContainerView();
  const reaping = new Set<string>();
  const startTime = Date.now();
  let dockerVersion: HostInfo['dockerVersion'] = null;
  let stopping = false;
  let desiredKnown = false;

  const reporter = createStatusReporter({
    send: (report) => client.agents.reportStatuses(o.name, { id: store.get().agentId, ...report }, { clusterId: store.get().clusterId })
      .then(() => undefined),
    batchMs: o.statusBatchMs,
    retryMs: 250,
    maxRetryMs: 5_000,
    onSendError: (err) => {
      if (reportRefused(err)) log.error({ err }, 'the master refused a status report');
      else if (isHeliosError(err, 'CLUSTER_MISMATCH')) standing.failed(err);
      else masterTrouble.fail(err);
    },
    onSendOk: () => {
      standing.answered();
      masterTrouble.ok();
    },
    isRefused: reportRefused,
  });

  const persistFailed = (err: unknown) => log.error({ err, stateDir: o.stateDir }, 'could not persist the agent state');
  const portBook: PortBook = {
    reserved: (jobId) => store.get().ports[jobId],
    taken: () => new Set(Object.values(store.get().ports).flatMap((p) => Object.values(p))),
    // The reservation counts at once in this process (store.get()); the container's creation does not
    // wait for the file: lost by a crash, the port is still bound by the container and skipped as such.
    save: async (jobId, ports) => {
      void store.update((s) => ({ ...s, ports: { ...s.ports, [jobId]: ports } })).catch(persistFailed);
    },
    // Like `save`: a state file that cannot be written must not hold up an undeploy.
    release: (jobId) => store.update((s) => {
      const { [jobId]: _gone, ...ports } = s.ports;
      return { ...s, ports };
    }).catch(persistFailed),
  };

  const dockerOk = () => {
    if (dockerTrouble.ok()) {
      reactor.signal();
      for (const s of supervisors.values()) s.wake();
    }
  };

  const deps: SupervisorDeps = {
    agent: o.name,
    hostName: o.name,
    agentEnv: o.env,
    docker: recordingPulls(docker, pulled, log),
    policy: o.restartPolicy,
    portBook,
    portRange: o.portRange,
    bindIp: o.bindIp,
    health: o.healthBackoff,
    pullPolicy: o.pullPolicy,
    credentials: (image, jobId) => pullCredentials({
      fromMaster: (job) => client.agents.registryAuth(o.name, job, { agentId: store.get().agentId, clusterId: store.get().clusterId }),
      dockerConfig: o.dockerConfig,
      log,
    }, image, jobId),
    log: log.child({ component: 'supervisor' }),
    dockerRetryMs: DOCKER_RETRY_MS,
    maxKillTimeoutS: Math.ceil(o.maxKillTimeoutMs / 1_000),
    onDockerTrouble: (err) => dockerTrouble.fail(err),
    portHolders: (jobId, ports) => [...supervisors.values()]
      .filter((s) => s.jobId !== jobId && s.holdsReleasingContainer && [...staticHostPorts(s.job)].some((p) => ports.has(p))),
    onStatus: (status) => {
      if (stopping) return;
      const update = { status, timestamp: Date.now() };
      statuses.set(status.jobId, status);
      lastUpdates.set(status.jobId, update);
      reporter.push(update);
    },
    onContainerStarted: metrics.containerStarted,
    onRemoved: (jobId) => {
      supervisors.delete(jobId);
      statuses.delete(jobId);
      lastUpdates.delete(jobId);
      if (!stopping) reporter.removed(jobId);
      reactor.signal();
    },
  };

  const startSupervisor = (task: DesiredTask, adopt: ObservedContainer | null) => new Supervisor(task, adopt, deps);

  async function reconcileOnce(resync: boolean): Promise<void> {
    // A new desired set needs no listing: the view is the last listing plus the events since. Docker is
    // asked again at start-up, on every resync, and whenever events may have been missed.
    if (resync || !view.current) {
      view.beginListing();
      let listed: ObservedContainer[];
      try {
        listed = await docker.listContainers();
      } catch (err) {
        view.abortListing();
        if (isDockerError(err, 'DOCKER_UNAVAILABLE') || isDockerError(err, 'DOCKER_TIMEOUT')) {
          dockerTrouble.fail(err);
          setTimeout(() => reactor.signal(), DOCKER_RETRY_MS).unref();
          return;
        }
        throw err;
      }
      view.replace(listed);
      log.debug({ containers: listed.length, resync }, 'containers listed');
      dockerOk();
    }
    const observed = view.containers();
    const supervised = [...supervisors.values()].map((s) => ({ jobId: s.jobId, goal: s.goal }));
    // Until the master has answered once (now or in a past life), "no task" means "not known yet":
    // nothing is reaped then, or a fresh agent would remove containers it is about to be given.
    const known = desiredKnown || store.get().index > 0;
    const { holding } = standing;
    const plan = computePlan(holding ? heldTasks(store.get().tasks, observed) : store.get().tasks,
      observed.filter((c) => !reaping.has(c.id)), supervised);
    if (!known || holding) plan.reap = [];
    applyPlan(plan, {
      supervisors, startSupervisor, docker, reaping, resync, log, maxKillTimeoutS: deps.maxKillTimeoutS,
      removed: (jobId) => { if (!stopping) reporter.removed(jobId); },
    });
    // Every wanted task has a supervisor now: ports still reserved for any other job (one undeployed
    // while the agent was down, its container reaped) are free again.
    if (known && !holding) for (const jobId of Object.keys(store.get().ports)) if (!supervisors.has(jobId)) void portBook.release(jobId);
  }

  /** While holding, the persisted tasks that already have a supervisor or a container: no other starts. */
  const heldTasks = (tasks: DesiredTask[], observed: ObservedContainer[]) => {
    const here = new Set(observed.map((c) => c.jobId));
    return tasks.filter((t) => supervisors.has(t.jobId) || here.has(t.jobId));
  };

  const reactor = createReactor({ name: 'agent', resyncMs: o.resyncMs, run: (resync) => metrics.pass(() => reconcileOnce(resync)), log });

  async function onTasks(desired: DesiredTasks): Promise<void> {
    const current = store.get();
    const wasKnown = desiredKnown;
    desiredKnown = true;
    // The first master to give this agent a desired set makes it a member of its cluster.
    const clusterId = current.clusterId ?? desired.clusterId ?? null;
    if (clusterId !== current.clusterId) log.info({ clusterId }, 'recorded the cluster of the master');
    if (desired.index === current.index && clusterId === current.clusterId && sameTasks(desired.tasks, current.tasks)) {
      if (!wasKnown) reactor.signal();
      return;
    }
    // The master holds the truth; the local copy is only for when it is away (after kill -9 the master
    // sends the set again). So neither the pass nor the next long-poll waits for the fsync: store.get()
    // has the new set at once, and answers arriving during a write share the next one.
    store.update((s) => ({ ...s, clusterId, index: desired.index, tasks: desired.tasks }))
      .catch(persistFailed);
    reactor.signal();
  }

  async function heartbeat() {
    try {
      dockerVersion = await docker.version();
      dockerOk();
    } catch (err) {
      dockerTrouble.fail(err);
    }
    return {
      id: store.get().agentId,
      hostInfo: hostInfo(o.dockerHost, dockerVersion),
      agentInfo: { name: o.name, version: HELIOS_VERSION, startTime, uptime: Date.now() - startTime },
      labels: o.labels,
      environment: reportedAgentEnv(o.env),
      dockerError: dockerTrouble.message,
    };
  }

  const events = followEvents(docker, {
    retryMs: DOCKER_RETRY_MS,
    onEvent: (e) => {
      view.apply(e);
      if (!EVENTS_ACTIONS.has(e.action) || !e.jobId) return;
      const supervisor = supervisors.get(e.jobId);
      if (supervisor) supervisor.wake();
      // A container of a task nobody supervises (made by hand, or left over): the pass adopts or reaps it.
      else reactor.signal();
    },
    onConnected: () => { view.invalidate(); dockerOk(); reactor.signal(); },
    onError: (err) => { view.invalidate(); if (!stopping) dockerTrouble.fail(err); },
  });

  const link = startMasterLink({
    client,
    name: o.name,
    agentId: () => store.get().agentId,
    clusterId: () => store.get().clusterId,
    index: () => store.get().index,
    heartbeatMs: o.heartbeatMs,
    pollWaitMs: o.pollWaitMs,
    heartbeat,
    onTasks,
    onBack: () => {
      reporter.retryNow();
      reportAllAgain();
    },
    trouble: masterTrouble,
    standing,
    log,
  });

  // Logs and exec: streams the masters open on the channels this agent dials (it listens on no port).
  const dockerStreams = createDockerStreams(o.dockerHost);
  const containersOf = async (jobId: string) => (await docker.listContainers()).filter((c) => c.jobId === jobId);
  const channels = startMasterChannels({
    masters: o.masters, host: o.name, token: o.token, tls: o.tls, log: log.child({ component: 'channel' }),
    agentId: () => store.get().agentId,
    clusterId: () => store.get().clusterId,
    serve: async (stream, open) => {
      if (open.kind === 'exec') return serveExec(stream, open, { streams: dockerStreams, containers: containersOf, log: log.child({ component: 'exec' }) });
      if (open.kind === 'logs') return serveLogs(stream, open, { streams: dockerStreams, containers: containersOf, desired: (jobId) => store.get().tasks.some((t) => t.jobId === jobId) });
      stream.close({ code: 'NOT_FOUND', message: `this agent serves no ${JSON.stringify((open as { kind?: unknown }).kind)} stream` });
    },
  });

  const imageGc = startImageGc({
    docker, pulled, options: o.imageGc, log: log.child({ component: 'image-gc' }),
    desiredImages: () => store.get().tasks.map((task) => task.job.image),
  });

  const statusResync = o.statusResyncMs > 0 ? setInterval(reportAllAgain, o.statusResyncMs).unref() : undefined;
  log.info({ masters: o.masters, dockerHost: o.dockerHost, stateDir: o.stateDir, clusterId: store.get().clusterId, tasks: store.get().tasks.length,
    ...(metricsServer && { metrics: `${metricsServer.url}/metrics` }) }, 'agent started');
  reactor.signal();

  return {
    name: o.name,
    stateDir: o.stateDir,
    statuses: () => [...statuses.values()],
    dockerError: () => dockerTrouble.message,
    clusterMismatch: () => standing.mismatch,
    metricsUrl: metricsServer ? metricsServer.url : undefined,
    async stop() {
      if (stopping) return;
      stopping = true;
      clearInterval(statusResync);
      events.stop();
      await metricsServer?.close();
      channels.stop();
      await imageGc.stop();
      await reactor.stop();
      for (const s of supervisors.values()) s.detach();
      await Promise.race([Promise.all([...supervisors.values()].map((s) => s.finished)), delay(2_000)]);
      await Promise.race([link.stop(), delay(2_000)]);
      await Promise.race([reporter.stop(), delay(2_000)]);
      // Port reservations are saved without waiting (see portBook.save): a stop lets them reach the file.
      await Promise.race([store.settled(), delay(2_000)]);
      log.info('agent stopped (containers keep running)');
    },
  };
}

/**
 * `--join-new-cluster`: forgets the recorded cluster and its desired set, so the next master to answer
 * makes the agent its member, and no container that master has not asked for is started meanwhile
 * (the old cluster's containers are left alone until then, and reaped once it has answered).
 */
async function joinNewCluster(store: StateStore, log: Logger): Promise<void> {
  const { clusterId, tasks } = store.get();
  await store.update((s) => ({ ...s, clusterId: null, index: 0, tasks: [] }));
  log.warn({ forgottenClusterId: clusterId, forgottenTasks: tasks.length }, 'joining a new cluster (--join-new-cluster): the next master to answer is this agent\'s cluster');
}

const reportRefused = (err: unknown) => isHeliosError(err, 'PAYLOAD_TOO_LARGE') || isHeliosError(err, 'INVALID_REQUEST');

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

function sameTasks(a: DesiredTask[], b: DesiredTask[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function describeDockerError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; address?: string; message?: string } })?.cause;
  if (cause?.code === 'ENOENT') return `no Docker socket at ${cause.address ?? 'the given path'} (is dockerd running? set --docker-host)`;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused (is dockerd running? set --docker-host)';
  if (cause?.code === 'EACCES') return 'permission denied on the Docker socket';
  return err instanceof Error ? err.message : String(err);
}
