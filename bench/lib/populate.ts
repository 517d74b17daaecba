/** Fills a master with many jobs, hosts and deployments through its public API. */
import type { JobSpec } from '../../core/index.js';
import { HttpStatusError, seg, type JsonClient } from './http.js';
import { pool } from './pool.js';

/** A small realistic job: image, command, env. */
export function benchJob(i: number, prefix = 'bench'): JobSpec {
  return {
    name: `${prefix}-${String(i).padStart(5, '0')}`,
    version: '1',
    image: 'busybox:latest',
    command: ['sleep', '3600'],
    env: { INDEX: String(i), ROLE: 'bench' },
    secondsToWaitBeforeKill: 1,
  };
}

export interface PopulateResult {
  ids: string[];
  ms: number;
  errors: number;
}

/**
 * Creates `count` jobs with POST /jobs, `concurrency` at a time, and returns their ids in order.
 * Stops early at `deadline` (performance.now()); throws when more than a few requests fail.
 */
export async function createJobs(api: JsonClient, count: number, options: { concurrency?: number; deadline?: number; prefix?: string; offset?: number } = {}): Promise<PopulateResult> {
  const ids: string[] = new Array(count);
  const start = performance.now();
  const specs = Array.from({ length: count }, (_, i) => benchJob((options.offset ?? 0) + i, options.prefix));
  const result = await pool(specs, options.concurrency ?? 8, async (spec, i) => {
    const res = await api.request<{ id: string }>('POST', '/jobs', spec);
    ids[i] = res.id;
  }, options.deadline);
  check(result, 'POST /jobs');
  return { ids: ids.filter(Boolean), ms: performance.now() - start, errors: result.errors };
}

/** Registers hosts with PUT /hosts/{host}?id=. */
export async function registerHosts(api: JsonClient, hosts: string[], agentId: (host: string) => string): Promise<void> {
  const result = await pool(hosts, 8, (host) => api.request('PUT', `/hosts/${seg(host)}?id=${seg(agentId(host))}`));
  check(result, 'PUT /hosts/{host}');
}

/** Deploys with PUT /hosts/{host}/jobs/{id}. */
export async function deployAll(api: JsonClient, pairs: Array<[string, string]>, options: { concurrency?: number; deadline?: number } = {}): Promise<PopulateResult> {
  const start = performance.now();
  const result = await pool(pairs, options.concurrency ?? 8, ([host, jobId]) =>
    api.request('PUT', `/hosts/${seg(host)}/jobs/${seg(jobId)}`, { job: jobId, goal: 'START' }), options.deadline);
  check(result, 'PUT /hosts/{host}/jobs/{id}');
  return { ids: [], ms: performance.now() - start, errors: result.errors };
}

function check(result: { done: number; errors: number; firstError?: unknown }, what: string) {
  if (result.errors > Math.max(3, result.done / 100)) {
    const reason = result.firstError instanceof Error ? result.firstError.message : String(result.firstError);
    throw new Error(`${what}: ${result.errors} of ${result.done + result.errors} requests failed; first: ${reason}`);
  }
}

/**
 * Creates jobs `from`..`to-1` (benchJob specs) and deploys each to the hosts `hostsOf(i)` in one
 * sync-apply transaction (PUT /sync/sources/{source}), as the syncer would for one commit.
 * Returns null when the master has no sync endpoint (HTTP 404).
 */
export async function syncApplyJobs(api: JsonClient, source: string, from: number, to: number, hostsOf: (i: number) => string[]): Promise<{ ms: number; actions: number } | null> {
  const jobs = Array.from({ length: to - from }, (_, k) => {
    const { name, version, ...spec } = benchJob(from + k);
    return { file: `jobs/${name}.yaml`, spec: { name, version, ...spec }, hosts: hostsOf(from + k), goal: 'START' as const };
  });
  const body = { repo: 'bench://generated', branch: 'main', path: 'jobs', commit: 'bench0000', jobs, errors: [] };
  const start = performance.now();
  try {
    const result = await api.request<{ state: string; actions: unknown[]; errors: Array<{ file: string; message: string }> }>(
      'PUT', `/sync/sources/${seg(source)}`, body, 180_000);
    if (result.state !== 'APPLIED') {
      throw new Error(`sync apply was ${result.state}: ${result.errors.slice(0, 3).map((e) => `${e.file}: ${e.message}`).join('; ')}`);
    }
    return { ms: performance.now() - start, actions: result.actions.length };
  } catch (err) {
    if (err instanceof HttpStatusError && err.statusCode === 404) return null;
    throw err;
  }
}
