import type { DesiredTask, Goal } from '../../core/index.js';
import type { ObservedContainer } from '../docker/dockerAdapter.js';

/** What the agent already supervises: one entry per task it has a supervisor for. */
export interface SupervisedTask { jobId: string; goal: Goal }

export interface Plan {
  /** Tasks without a supervisor: start one, adopting `adopt` (a container of a past run) when given. */
  supervise: Array<{ task: DesiredTask; adopt: ObservedContainer | null }>;
  /** Tasks with a supervisor: hand it the desired task (goal may have changed) and what Docker shows. */
  update: Array<{ task: DesiredTask; containers: ObservedContainer[] }>;
  /** Supervised tasks nobody wants any more: stop, remove the container, report them removed. */
  release: string[];
  /** Containers labelled for this agent that no task will use: stop and remove. */
  reap: ObservedContainer[];
}

/** The container to keep among several of one task: the newest running one, else the newest. */
export function pickKeeper(containers: ObservedContainer[]): ObservedContainer | null {
  const sorted = [...containers].sort((a, b) => Number(b.running) - Number(a.running) || b.created - a.created);
  return sorted[0] ?? null;
}

/**
 * One reconcile pass, decided without I/O. A task whose goal is UNDEPLOY counts as not wanted.
 * Never plans two containers for a task: extra containers of a newly supervised task are reaped;
 * those of an already supervised task are left to its supervisor, which serialises its own work.
 */
export function computePlan(desired: DesiredTask[], observed: ObservedContainer[], supervised: SupervisedTask[]): Plan {
  const wanted = new Map(desired.filter((t) => t.goal !== 'UNDEPLOY').map((t) => [t.jobId, t]));
  const running = new Set(supervised.map((s) => s.jobId));
  const byJob = new Map<string, ObservedContainer[]>();
  for (const c of observed) byJob.set(c.jobId, [...(byJob.get(c.jobId) ?? []), c]);

  const plan: Plan = { supervise: [], update: [], release: [], reap: [] };
  for (const task of wanted.values()) {
    const containers = byJob.get(task.jobId) ?? [];
    if (running.has(task.jobId)) {
      plan.update.push({ task, containers });
      continue;
    }
    const adopt = pickKeeper(containers);
    plan.supervise.push({ task, adopt });
    plan.reap.push(...containers.filter((c) => c !== adopt));
  }
  for (const s of supervised) if (!wanted.has(s.jobId)) plan.release.push(s.jobId);
  for (const [jobId, containers] of byJob) {
    if (!wanted.has(jobId) && !running.has(jobId)) plan.reap.push(...containers);
  }
  return plan;
}
