import type { HeliosClient } from '../core/client/createClient.js';
import type { TaskStatusEvent } from '../core/schema/status.js';
import { shortContainerId, taskReason } from './format.js';
import { colorState, type Output } from './output.js';
import { pullBar } from './pullBar.js';

export interface TaskView {
  state: string;
  throttled: string;
  containerId: string | null;
}

export interface FollowResult {
  ok: boolean;
  tasks: Record<string, TaskView | null>;
}

/** How often `deploy --watch` reads the job's history unless --interval says otherwise. */
export const DEFAULT_POLL_MS = 100;
/** How often it reads the job's status for pull progress while a task pulls (the agent sends it once a second). */
const PROGRESS_POLL_MS = 500;

/**
 * Follows a job's tasks on `hosts` after a deploy, through the job's history (so no state is missed
 * between two polls, however fast the agent is): prints 'HOST: STATE' per new event and resolves
 * when every host is RUNNING (ok), or one is FAILED or throttled, or time runs out (not ok).
 * `before` is the history read before deploying: those events are old news, except that a host whose
 * last one is an undeployed task still STOPPING gets its new task only once that container is gone
 * (said at once, and in the time-out message). On a terminal, a task PULLING_IMAGE shows its pull's
 * progress as a bar below the last line, redrawn in place (progress is in the status, not the history).
 */
export async function followTasks(client: HeliosClient, jobId: string, hosts: string[],
  options: { timeoutMs: number; pollMs?: number; before: TaskStatusEvent[]; out: Output }): Promise<FollowResult> {
  const { out } = options;
  const key = (e: TaskStatusEvent) => `${e.host}|${e.timestamp}|${e.status.state}|${e.status.containerId ?? ''}`;
  const seen = new Set(options.before.map(key));
  const tasks: Record<string, TaskView | null> = Object.fromEntries(hosts.map((h) => [h, null]));
  const deadline = Date.now() + options.timeoutMs;
  const stillStopping = new Set(hosts.filter((host) => {
    const last = options.before.filter((e) => e.host === host).at(-1)?.status;
    return last?.goal === 'UNDEPLOY' && last.state === 'STOPPING';
  }));
  if (!out.json) for (const host of stillStopping) out.info(`${host}: waiting for the undeployed container to stop first (STOPPING)`);
  const showProgress = out.isTTY && !out.json;
  let progressReadAt = 0;
  const finish = (result: FollowResult) => { out.transient(''); return result; };

  for (;;) {
    const { events } = await client.jobs.history(jobId);
    for (const e of events) {
      if (!Object.hasOwn(tasks, e.host) || seen.has(key(e))) continue;
      seen.add(key(e));
      tasks[e.host] = { state: e.status.state, throttled: e.status.throttled, containerId: e.status.containerId };
      if (!out.json) out.print(describe(e, out));
    }
    const pulling = Object.entries(tasks).filter(([, t]) => t?.state === 'PULLING_IMAGE').map(([host]) => host);
    if (showProgress && pulling.length > 0 && Date.now() - progressReadAt >= PROGRESS_POLL_MS) {
      progressReadAt = Date.now();
      const { taskStatuses } = await client.jobs.status(jobId);
      out.transient(pulling.flatMap((host) => {
        const s = taskStatuses[host];
        return s?.state === 'PULLING_IMAGE' && s.pullProgress ? [`${host}: ${pullBar(s.pullProgress)}`] : [];
      }).join('   '));
    }
    const views = Object.values(tasks);
    const failed = Object.entries(tasks).filter(([, t]) => t && (t.state === 'FAILED' || t.throttled !== 'NO'));
    if (failed.length > 0) {
      if (!out.json) for (const [host, t] of failed) out.info(`${host}: failed: ${t!.throttled !== 'NO' ? t!.throttled : t!.state}`);
      return finish({ ok: false, tasks });
    }
    if (views.every((t) => t?.state === 'RUNNING')) return finish({ ok: true, tasks });
    if (Date.now() >= deadline) {
      const waiting = Object.entries(tasks).filter(([, t]) => t?.state !== 'RUNNING')
        .map(([h, t]) => `${h} (${t?.state ?? (stillStopping.has(h) ? 'the undeployed container is still STOPPING' : 'no state yet')})`);
      if (!out.json) out.info(`timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for RUNNING on ${waiting.join(', ')}`);
      return finish({ ok: false, tasks });
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(options.pollMs ?? DEFAULT_POLL_MS, Math.max(0, deadline - Date.now()))));
  }
}

function describe(e: TaskStatusEvent, out: Output): string {
  const s = e.status;
  const extra = [
    s.containerId ? `container ${shortContainerId(s.containerId)}` : '',
    s.throttled !== 'NO' ? `throttled: ${s.throttled}` : '',
    taskReason(s),
  ].filter(Boolean).join(', ');
  return `${e.host}: ${colorState(out.colors, s.state)}${extra ? ` (${extra})` : ''}`;
}
