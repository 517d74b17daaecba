/**
 * The soak's workload, run until stop():
 *  - simulated hosts: `rate` cycles a second, each create → deploy on two random simulated hosts → both
 *    report RUNNING (seen through the API) → undeploy both → both statuses gone → remove;
 *  - the real agent: one cycle after the other, the same steps with a real container, checked on the
 *    Docker engine (running after RUNNING, gone after the undeploy);
 *  - GET /version once a second, the baseline of the requests' latency.
 * Every failed request or step that does not happen in time is an error of its kind. A cycle that fails
 * half-way undeploys and removes what it made, without counting the clean-up's own failures again.
 */
import type Docker from 'dockerode';
import type { JobSpec, JobStatus } from '../../core/index.js';
import { benchJob } from '../lib/populate.js';
import { HttpStatusError, seg, type JsonClient } from '../lib/http.js';
import { sleep } from '../lib/timing.js';
import type { ErrorLog } from './errorLog.js';

export interface ChurnOptions {
  api: JsonClient;
  docker: Docker;
  simHosts: string[];
  realHost: string;
  /** Simulated-host cycles started per second. */
  rate: number;
  errors: ErrorLog;
}

/** Latencies (ms) since the last take(): the workload's requests and the GET /version baseline. */
export interface LatencyWindow {
  requests: number[];
  version: number[];
}

// A simulated agent reports at once; the bound only matters on a machine so loaded it stalls.
const SIM_STEP_MS = 60_000;
// A real container: create and start on a busy engine, or a stop of up to secondsToWaitBeforeKill.
const REAL_STEP_MS = 120_000;
/** Cycles in flight at most (a master that falls behind skips starts rather than piling them up). */
const MAX_IN_FLIGHT_SECONDS = 20;

export function realJob(name: string): JobSpec {
  return { name, version: '1', image: 'busybox:latest', command: ['sleep', '3600'], init: true, secondsToWaitBeforeKill: 1 };
}

export function startChurn(o: ChurnOptions) {
  const { api, errors } = o;
  let stopping = false;
  let window: LatencyWindow = { requests: [], version: [] };
  const whole: LatencyWindow = { requests: [], version: [] };
  const counts = { simCycles: 0, realCycles: 0, skipped: 0 };
  const realRunningMs: number[] = [];
  const inFlight = new Set<Promise<void>>();

  /** A timed request; a failure is counted under `kind` and rethrown (it ends the cycle). */
  async function call<T>(kind: string, method: string, path: string, body?: unknown): Promise<T> {
    const start = performance.now();
    try {
      const result = await api.request<T>(method, path, body);
      const ms = performance.now() - start;
      window.requests.push(ms);
      whole.requests.push(ms);
      return result;
    } catch (err) {
      errors.add(kind, err);
      throw err;
    }
  }

  /** Polls until `done` holds; counts a timeout under `kind` and throws. */
  async function until(kind: string, timeoutMs: number, intervalMs: number, done: () => Promise<boolean>): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!(await done())) {
      if (performance.now() > deadline) {
        const err = new Error(`${kind}: not within ${timeoutMs / 1000} s`);
        errors.add(kind, err);
        throw err;
      }
      await sleep(intervalMs);
    }
  }

  const status = (id: string) => call<JobStatus>('GET /jobs/{id}/status', 'GET', `/jobs/${seg(id)}/status`);
  const deploy = (host: string, id: string) => call('PUT /hosts/{h}/jobs/{id}', 'PUT', `/hosts/${seg(host)}/jobs/${seg(id)}`, { job: id, goal: 'START' });
  const undeploy = (host: string, id: string) => call('DELETE /hosts/{h}/jobs/{id}', 'DELETE', `/hosts/${seg(host)}/jobs/${seg(id)}`);

  /** Best effort after a failed cycle: its own failures were counted already, or do not matter. */
  async function cleanUp(id: string, hosts: string[]): Promise<void> {
    for (const host of hosts) await api.request('DELETE', `/hosts/${seg(host)}/jobs/${seg(id)}`).catch(() => undefined);
    for (let i = 0; i < 60; i++) {
      try {
        await api.request('DELETE', `/jobs/${seg(id)}`);
        return;
      } catch (err) {
        if (err instanceof HttpStatusError && err.statusCode === 404) return;
        await sleep(1_000);
      }
    }
  }

  async function simCycle(n: number): Promise<void> {
    const a = Math.floor(Math.random() * o.simHosts.length);
    const hosts = [o.simHosts[a], o.simHosts[(a + 1 + Math.floor(Math.random() * (o.simHosts.length - 1))) % o.simHosts.length]];
    const { id } = await call<{ id: string }>('POST /jobs', 'POST', '/jobs', benchJob(n, 'soak'));
    try {
      for (const host of hosts) await deploy(host, id);
      await until('simulated task RUNNING in time', SIM_STEP_MS, 250, async () => {
        const s = await status(id);
        return hosts.every((h) => s.taskStatuses[h]?.state === 'RUNNING');
      });
      for (const host of hosts) await undeploy(host, id);
      await until('simulated task status gone in time', SIM_STEP_MS, 250, async () => Object.keys((await status(id)).taskStatuses).length === 0);
      await call('DELETE /jobs/{id}', 'DELETE', `/jobs/${seg(id)}`);
      counts.simCycles++;
    } catch {
      await cleanUp(id, hosts);
    }
  }

  async function realCycle(n: number): Promise<void> {
    const host = o.realHost;
    const { id } = await call<{ id: string }>('POST /jobs', 'POST', '/jobs', realJob(`soak-real-${n}`));
    try {
      const start = performance.now();
      await deploy(host, id);
      let containerId = '';
      await until('real task RUNNING in time', REAL_STEP_MS, 100, async () => {
        const s = (await status(id)).taskStatuses[host];
        containerId = s?.containerId ?? '';
        return s?.state === 'RUNNING';
      });
      realRunningMs.push(performance.now() - start);
      const running = await o.docker.getContainer(containerId).inspect().then((c) => c.State.Running, () => false);
      if (!running) errors.add('real container not running on Docker when RUNNING', new Error(`${id}: container ${containerId}`));
      await undeploy(host, id);
      await until('real container and status gone in time', REAL_STEP_MS, 200, async () => {
        const gone = await o.docker.getContainer(containerId).inspect().then(() => false, (err: { statusCode?: number }) => err.statusCode === 404);
        return gone && !((await status(id)).taskStatuses[host]);
      });
      await call('DELETE /jobs/{id}', 'DELETE', `/jobs/${seg(id)}`);
      counts.realCycles++;
    } catch {
      await cleanUp(id, [host]);
    }
  }

  const track = (cycle: Promise<void>) => {
    const p = cycle.catch(() => undefined).finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  let n = 0;
  const simLoop = (async () => {
    const periodMs = 1000 / o.rate;
    let next = performance.now();
    while (!stopping) {
      if (inFlight.size < o.rate * MAX_IN_FLIGHT_SECONDS) track(simCycle(n++));
      else counts.skipped++;
      next += periodMs;
      await sleep(Math.max(0, next - performance.now()));
    }
  })();
  const realLoop = (async () => {
    for (let r = 0; !stopping; r++) await realCycle(r).catch(() => sleep(1_000));
  })();
  const baselineLoop = (async () => {
    while (!stopping) {
      const start = performance.now();
      await api.request('GET', '/version').then(() => {
        const ms = performance.now() - start;
        window.version.push(ms);
        whole.version.push(ms);
      }, (err: unknown) => errors.add('GET /version', err));
      await sleep(1_000);
    }
  })();

  return {
    counts,
    realRunningMs,
    inFlight: () => inFlight.size,
    /** Every latency of the run. */
    whole,
    /** The latencies since the last call. */
    take(): LatencyWindow {
      const taken = window;
      window = { requests: [], version: [] };
      return taken;
    },
    /** Starts no more cycles and waits for those under way to finish. */
    async stop(): Promise<void> {
      stopping = true;
      await Promise.all([simLoop, realLoop, baselineLoop]);
      await Promise.all([...inFlight]);
    },
  };
}

export type Churn = ReturnType<typeof startChurn>;
