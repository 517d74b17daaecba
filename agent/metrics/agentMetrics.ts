import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TaskStatus } from '../../core/index.js';
import type { DockerError } from '../docker/errors.js';

/** Seconds: a reconcile pass or a Docker call takes milliseconds; a pull up to the adapter's 5 minutes. */
const PASS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const PULL_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/**
 * The agent's Prometheus metrics (`--metrics ADDR`): counters and histograms fed as things happen,
 * gauges read from the agent when scraped. One registry per agent: tests run several in one process.
 */
export function createAgentMetrics(read: { statuses(): Iterable<TaskStatus>; dockerError(): string | null }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'helios_agent_' });
  const passes = new Counter({
    name: 'helios_agent_reconcile_passes_total', help: 'Reconcile passes (desired tasks against this host\'s containers) by result: ok, failed',
    labelNames: ['result'], registers: [registry],
  });
  const passSeconds = new Histogram({
    name: 'helios_agent_reconcile_seconds', help: 'How long a reconcile pass took', buckets: PASS_BUCKETS, registers: [registry],
  });
  const starts = new Counter({
    name: 'helios_agent_container_starts_total', help: 'Containers started, by kind: new (created for the task), restart (its stopped container started again)',
    labelNames: ['kind'], registers: [registry],
  });
  const pullSeconds = new Histogram({
    name: 'helios_agent_image_pull_seconds', help: 'Image pulls, from the request to the end of the engine\'s progress stream, by result: ok, failed',
    labelNames: ['result'], buckets: PULL_BUCKETS, registers: [registry],
  });
  const dockerErrors = new Counter({
    name: 'helios_agent_docker_errors_total', help: 'Docker engine calls that failed, by operation (pull, create, start, inspect, list, …) and error code',
    labelNames: ['op', 'code'], registers: [registry],
  });
  new Gauge({
    name: 'helios_agent_docker_reachable', help: '1 while the Docker engine answers, 0 while it does not (the heartbeat\'s dockerError)', registers: [registry],
    collect() { this.set(read.dockerError() === null ? 1 : 0); },
  });
  new Gauge({
    name: 'helios_agent_tasks', help: 'Tasks supervised on this host by their last reported state', labelNames: ['state'], registers: [registry],
    collect() {
      this.reset();
      const counts = new Map<string, number>();
      for (const { state } of read.statuses()) counts.set(state, (counts.get(state) ?? 0) + 1);
      for (const [state, count] of counts) this.set({ state }, count);
    },
  });

  return {
    registry,
    /** `run` timed and counted as one reconcile pass (its error passed on). */
    async pass(run: () => Promise<void>): Promise<void> {
      const end = passSeconds.startTimer();
      try {
        await run();
        passes.inc({ result: 'ok' });
      } catch (err) {
        passes.inc({ result: 'failed' });
        throw err;
      } finally {
        end();
      }
    },
    containerStarted(restart: boolean): void { starts.inc({ kind: restart ? 'restart' : 'new' }); },
    /** Every Docker call as it ends (the adapter's `onCall`): a pull is timed, a failure counted. */
    dockerCall(op: string, seconds: number, err: DockerError | undefined): void {
      if (op === 'pull') pullSeconds.observe({ result: err ? 'failed' : 'ok' }, seconds);
      if (err) dockerErrors.inc({ op, code: err.kind });
    },
  };
}
export type AgentMetrics = ReturnType<typeof createAgentMetrics>;
