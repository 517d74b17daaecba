import type { Logger } from 'pino';
import type { DesiredTask } from '../../core/index.js';
import type { DockerAdapter, ObservedContainer } from '../docker/dockerAdapter.js';
import { isDockerError } from '../docker/errors.js';
import { capSeconds } from '../supervisor/stopWaits.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import type { Plan } from './computePlan.js';

export interface ApplyContext {
  supervisors: Map<string, Supervisor>;
  startSupervisor(task: DesiredTask, adopt: ObservedContainer | null): Supervisor;
  docker: DockerAdapter;
  /** Ids of containers being reaped, so that a later pass does not reap them twice. */
  reaping: Set<string>;
  /** The timer's resync: wake every supervisor to look at its container again. */
  resync: boolean;
  /** Tells the master a task is gone (its status may outlive an undeploy made while the agent was down). */
  removed(jobId: string): void;
  /** `--max-kill-timeout` in seconds: caps the stop timeout recorded on a reaped container. */
  maxKillTimeoutS: number;
  log: Logger;
}

/** What an orphan without a recorded stop timeout gets (made by an older agent): `docker stop`'s default. */
const UNRECORDED_STOP_SECONDS = 10;

/**
 * Carries out a plan. Supervisors do their own (possibly slow) work in their own loops, and reaping
 * runs in the background, so a pass never waits on a container stopping.
 */
export function applyPlan(plan: Plan, ctx: ApplyContext): void {
  for (const { task, adopt } of plan.supervise) {
    if (adopt) ctx.log.info({ jobId: task.jobId, containerId: adopt.id }, 'adopting the container of a past run');
    ctx.supervisors.set(task.jobId, ctx.startSupervisor(task, adopt));
  }
  for (const { task, containers } of plan.update) {
    const supervisor = ctx.supervisors.get(task.jobId);
    if (!supervisor) continue;
    supervisor.update(task, containers);
    const own = containers.find((c) => c.id === supervisor.currentContainerId);
    // A container gone or dead behind the supervisor's back (an event we missed): let it look.
    const surprising = supervisor.currentContainerId !== null && (!own || !own.running);
    if (ctx.resync || surprising) supervisor.wake();
  }
  for (const jobId of plan.release) ctx.supervisors.get(jobId)?.release();
  for (const container of plan.reap) {
    if (ctx.reaping.has(container.id)) continue;
    ctx.reaping.add(container.id);
    // The job's own kill wait (dockershim's kubelet recorded terminationGracePeriod for the same reason):
    // a database reaped as an orphan still gets its clean shutdown.
    const waitS = capSeconds(container.stopTimeoutS, ctx.maxKillTimeoutS, UNRECORDED_STOP_SECONDS);
    ctx.log.info({ jobId: container.jobId, containerId: container.id, waitBeforeKillS: waitS }, 'removing a container no task wants');
    void reap(ctx.docker, container, waitS)
      .then(() => { if (!ctx.supervisors.has(container.jobId)) ctx.removed(container.jobId); })
      .catch((err: unknown) => ctx.log.warn({ err, containerId: container.id }, 'could not remove an unwanted container'))
      .finally(() => ctx.reaping.delete(container.id));
  }
}

/** Stops and removes; a container already gone is fine (the view can lag a `destroy` event by a moment). */
async function reap(docker: DockerAdapter, container: ObservedContainer, waitS: number): Promise<void> {
  try {
    if (container.running) await docker.stop(container.id, waitS);
  } catch (err) {
    if (isDockerError(err, 'CONTAINER_NOT_FOUND')) return;
    throw err;
  }
  await docker.remove(container.id);
}
