import type { TaskStatus } from '../core/schema/status.js';
import type { MasterClient } from './masterClient.js';

export interface TaskWait {
  running: boolean;
  /** The task's status when the wait ended; undefined if the agent never reported one. */
  last?: TaskStatus;
}

/**
 * Polls the job's status on the master until the task on `host` is RUNNING or `timeoutMs` passes.
 * Timers live only inside this call (nothing outlives it, nothing is captured by serialization).
 */
export async function waitForTask(helios: MasterClient, jobId: string, host: string, timeoutMs: number): Promise<TaskWait> {
  const deadline = Date.now() + timeoutMs;
  let delayMs = 200;
  let last: TaskStatus | undefined;
  for (;;) {
    let status;
    try {
      status = await helios.jobs.status(jobId);
    } catch (err) {
      // A master restarting or a dropped connection is not the task failing: ask again until the deadline.
      const code = (err as { code?: string }).code;
      if ((code !== 'MASTER_UNREACHABLE' && code !== 'INTERNAL_ERROR') || Date.now() >= deadline) throw err;
    }
    last = status?.taskStatuses[host] ?? last;
    if (last?.state === 'RUNNING' && last.goal === 'START') return { running: true, last };
    const left = deadline - Date.now();
    if (left <= 0) return { running: false, last };
    await new Promise((resolve) => setTimeout(resolve, Math.min(delayMs, left)));
    delayMs = Math.min(delayMs * 2, 1_000);
  }
}

/** `last state FAILED, throttled IMAGE_MISSING, container error: …` for an error message. */
export function describeTask(last: TaskStatus | undefined): string {
  if (!last) return 'the agent never reported the task (is the agent up?)';
  const parts = [`last state ${last.state}`, `throttled ${last.throttled}`];
  if (last.containerError) parts.push(`container error: ${last.containerError}`);
  return parts.join(', ');
}
