import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RollingUpdateReason, SyncResult, TaskStatus } from '../../core/index.js';
import type { Store } from '../store/store.js';
import type { Notifier } from '../notifier.js';
import { createDeployClock } from './deployClock.js';

/** Seconds: from a few milliseconds (a request, a store call) to a minute (a slow pull before RUNNING). */
const QUICK_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const DEPLOY_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
/** A rollout's task: an undeploy marked in milliseconds, up to a wait for RUNNING under its 5-minute default timeout. */
const STEP_BUCKETS = [0.01, 0.05, ...DEPLOY_BUCKETS];

/**
 * The master's Prometheus metrics (GET /metrics). Gauges of the cluster (tasks by host and state,
 * hosts by status, blocking queries held, the index) are read from the store when scraped, so they
 * are never stale and cost nothing between scrapes; counters and histograms are fed by the routes.
 * One registry per app: tests run several masters in one process.
 */
export function createMasterMetrics(deps: { store: Store; notifier: Notifier; downAfterMs: number }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'helios_master_' });
  const { store, notifier } = deps;

  new Gauge({
    name: 'helios_tasks', help: 'Tasks by host and state (the last status each agent reported)', labelNames: ['host', 'state'], registers: [registry],
    async collect() {
      this.reset();
      for (const { host, state, count } of await store.statuses.stateCounts()) this.set({ host, state }, count);
    },
  });
  new Gauge({
    name: 'helios_hosts', help: 'Registered hosts by status (DOWN after --down-after without a heartbeat)', labelNames: ['status'], registers: [registry],
    async collect() {
      // isUp's rule (a heartbeat within --down-after) as one count, no host read.
      const { total, seen } = await store.hosts.countSeenSince(Date.now() - deps.downAfterMs);
      this.set({ status: 'UP' }, seen);
      this.set({ status: 'DOWN' }, total - seen);
    },
  });
  new Gauge({
    name: 'helios_blocking_queries', help: 'Blocking queries (agents\' long polls) held open now', registers: [registry],
    collect() { this.set(notifier.waiting()); },
  });
  new Gauge({
    name: 'helios_index', help: 'The global index: the last write\'s', registers: [registry],
    async collect() { this.set(await store.index()); },
  });
  const deployRunning = new Histogram({
    name: 'helios_deploy_running_seconds', help: 'From a deploy (or a goal set to START) to its agent reporting the task RUNNING',
    buckets: DEPLOY_BUCKETS, registers: [registry],
  });
  const syncPasses = new Counter({
    name: 'helios_sync_passes_total', help: 'Sync requests by source and outcome (APPLIED, PLANNED for a dry run, REFUSED, FAILED for an error)',
    labelNames: ['source', 'outcome'], registers: [registry],
  });
  const syncSeconds = new Histogram({
    name: 'helios_sync_duration_seconds', help: 'Time the master took to plan and apply a sync request, by source',
    labelNames: ['source'], buckets: QUICK_BUCKETS, registers: [registry],
  });
  const httpSeconds = new Histogram({
    name: 'helios_http_request_duration_seconds', help: 'HTTP requests by method, route (its pattern) and status code',
    labelNames: ['method', 'route', 'code'], buckets: QUICK_BUCKETS, registers: [registry],
  });
  const storeSeconds = new Histogram({
    name: 'helios_store_seconds', help: 'Store transactions, reads and writes, queueing for the connection included',
    labelNames: ['op'], buckets: QUICK_BUCKETS, registers: [registry],
  });
  const rolloutsStarted = new Counter({
    name: 'helios_rollouts_started_total', help: 'Deployment group rollouts started, by group and reason (MANUAL: a rolling-update; HOSTS_CHANGED: members came or went)',
    labelNames: ['group', 'reason'], registers: [registry],
  });
  const rolloutsFinished = new Counter({
    name: 'helios_rollouts_finished_total', help: 'Deployment group rollouts ended, by group, outcome (DONE, FAILED, STOPPED by a user or a newer rolling-update) and whether it was reverted',
    labelNames: ['group', 'outcome', 'reverted'], registers: [registry],
  });
  const rolloutStepSeconds = new Histogram({
    name: 'helios_rollout_step_seconds', help: 'One task of a rollout (a host\'s undeploy, deploy, wait for RUNNING, …) from its start until done or failed, by action and result',
    labelNames: ['action', 'result'], buckets: STEP_BUCKETS, registers: [registry],
  });
  const clock = createDeployClock();

  const timed = <T>(op: 'read' | 'write', run: () => Promise<T>): Promise<T> => {
    const end = storeSeconds.startTimer({ op });
    return run().finally(() => end());
  };

  return {
    registry,
    /** `store` with its reads and writes timed; everything else is the store's own (its prototype). */
    timedStore(): Store {
      const timedOne: Store = Object.create(store) as Store;
      timedOne.read = (fn) => timed('read', () => store.read(fn));
      timedOne.write = (fn, options) => timed('write', () => store.write(fn, options));
      return timedOne;
    },
    httpRequest(method: string, route: string, code: number, seconds: number): void {
      httpSeconds.observe({ method, route, code: String(code) }, seconds);
    },
    /** A task was asked to run: a deploy with goal START, or a goal set to START. */
    taskStarted(host: string, jobId: string): void { clock.start(host, jobId); },
    /** An agent's status report: a task reaching RUNNING that was asked to start records its latency. */
    statusesReported(host: string, statuses: readonly TaskStatus[]): void {
      for (const status of statuses) {
        if (status.state !== 'RUNNING') continue;
        const seconds = clock.stop(host, status.jobId);
        if (seconds !== undefined) deployRunning.observe(seconds);
      }
    },
    /** A sync request answered (`result`) or failed (undefined) after `seconds`. */
    syncPass(source: string, result: SyncResult | undefined, seconds: number): void {
      syncPasses.inc({ source, outcome: result?.state ?? 'FAILED' });
      syncSeconds.observe({ source }, seconds);
      for (const action of result?.state === 'APPLIED' ? result.actions : []) {
        const starts = (action.action === 'deploy' && (action.goal ?? 'START') === 'START') || (action.action === 'set-goal' && action.goal === 'START');
        if (starts && action.host !== undefined) clock.start(action.host, action.jobId);
      }
    },
    /** The rollout engine's and the deployment-group routes' committed steps (rollouts/rolloutEvents.ts). */
    started(group: string, reason: RollingUpdateReason): void { rolloutsStarted.inc({ group, reason }); },
    finished(group: string, outcome: string, reverted: boolean): void { rolloutsFinished.inc({ group, outcome, reverted: String(reverted) }); },
    stepped(action: string, failed: boolean, seconds: number): void { rolloutStepSeconds.observe({ action, result: failed ? 'FAILED' : 'DONE' }, seconds); },
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
export type MasterMetrics = ReturnType<typeof createMasterMetrics>;
