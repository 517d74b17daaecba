import { HeliosError } from '../../core/errors/HeliosError.js';
import type { HeliosClient } from '../../core/client/createClient.js';
import type { JobStatus, TaskState, TaskStatus, TaskStatusEvent } from '../../core/schema/status.js';
import { taskReason } from '../format.js';

/** How often waitFor and watch read the master (the CLI's deploy --watch reads every 100 ms; scripts wait longer). */
export const DEFAULT_INTERVAL_MS = 250;

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
  const timer = setTimeout(done, ms);
  function done() { clearTimeout(timer); signal?.removeEventListener('abort', done); resolve(); }
  signal?.addEventListener('abort', done, { once: true });
});

/** A host's task of the job as it is now: none while it is not deployed there or its task is an undeployed one. */
function currentTask(status: JobStatus, host: string): TaskStatus | undefined {
  const task = status.taskStatuses[host];
  return status.deployments[host] && task && task.goal !== 'UNDEPLOY' ? task : undefined;
}

/** Reaching RUNNING is over for a task that FAILED or is throttled: the agent will not get it there by itself. */
const hopeless = (task: TaskStatus) => task.state === 'FAILED' || task.throttled !== 'NO';

/**
 * Polls the job's status until its task on every one of `hosts` is in `state` (RUNNING comes only
 * after the job's health check passes), and resolves with those tasks. Throws JOB_NOT_DEPLOYED for a
 * host the job is not deployed on, TASK_FAILED when a task waited RUNNING for FAILED or is throttled,
 * and WAIT_TIMED_OUT after `timeoutMs`, saying what each host was still doing (the failing health
 * check, the container's error).
 */
export async function waitForTasks(client: HeliosClient, jobId: string, hosts: string[], state: TaskState,
  options: { timeoutMs: number; intervalMs?: number }): Promise<Record<string, TaskStatus>> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const status = await client.jobs.status(jobId);
    const missing = hosts.filter((host) => !status.deployments[host]);
    if (missing.length > 0) {
      throw new HeliosError('JOB_NOT_DEPLOYED', `${jobId} is not deployed on ${missing.join(', ')}, so it cannot become ${state} there`, { jobId, hosts: missing });
    }
    const tasks = Object.fromEntries(hosts.map((host) => [host, currentTask(status, host)] as const));
    if (state === 'RUNNING') {
      const failed = Object.entries(tasks).find(([, task]) => task && hopeless(task));
      if (failed) {
        const [host, task] = failed as [string, TaskStatus];
        const why = [task.throttled !== 'NO' ? `throttled ${task.throttled}` : '', taskReason(task, status.job)].filter(Boolean).join(': ');
        throw new HeliosError('TASK_FAILED', `${jobId} on ${host} is ${task.state}${why ? ` (${why})` : ''}, waiting for RUNNING`, { jobId, host, task });
      }
    }
    if (Object.values(tasks).every((task) => task?.state === state)) return tasks as Record<string, TaskStatus>;
    const left = deadline - Date.now();
    if (left <= 0) {
      const waiting = Object.entries(tasks).filter(([, task]) => task?.state !== state).map(([host, task]) => {
        const why = task ? taskReason(task, status.job) : '';
        return `${host} (${task?.state ?? 'no state yet'}${why ? `: ${why}` : ''})`;
      });
      throw new HeliosError('WAIT_TIMED_OUT', `timed out after ${Math.round(options.timeoutMs / 100) / 10} s waiting for ${jobId} to be ${state} on ${waiting.join(', ')}`,
        { jobId, state, tasks });
    }
    await sleep(Math.min(options.intervalMs ?? DEFAULT_INTERVAL_MS, left));
  }
}

/**
 * The job's task state changes from its history, so none is missed between two reads however fast
 * the agent goes: first each watched host's latest (where it is now), then every new one as it
 * arrives, in order, until `durationMs` has passed, `signal` aborts, or the loop breaks.
 */
export async function* watchTasks(client: HeliosClient, jobId: string, hosts: string[] | undefined,
  options: { durationMs?: number; intervalMs?: number; signal?: AbortSignal }): AsyncGenerator<TaskStatusEvent, void, undefined> {
  const key = (e: TaskStatusEvent) => `${e.host}|${e.timestamp}|${e.status.state}|${e.status.containerId ?? ''}`;
  const watched = (e: TaskStatusEvent) => hosts === undefined || hosts.includes(e.host);
  const end = options.durationMs === undefined ? Infinity : Date.now() + options.durationMs;
  const seen = new Set<string>();
  let first = true;
  while (!options.signal?.aborted) {
    const events = (await client.jobs.history(jobId)).events.filter(watched);
    const fresh = events.filter((e) => !seen.has(key(e)));
    for (const e of fresh) seen.add(key(e));
    // At first only where each host is now: what happened before the watch began is history.
    const shown = first ? [...new Map(fresh.map((e) => [e.host, e])).values()] : fresh;
    first = false;
    for (const e of shown) yield e;
    const left = end - Date.now();
    if (left <= 0) return;
    await sleep(Math.min(options.intervalMs ?? DEFAULT_INTERVAL_MS, left), options.signal);
  }
}
