/**
 * One supervisor per task: it alone touches the task's container, one step at a time.
 *
 *   goal START:  PULLING_IMAGE → CREATING → STARTING → HEALTHCHECKING → RUNNING
 *                      │ image missing / pull failed          ▲              │ container exits
 *                      ▼                                      │              ▼
 *                   FAILED (throttled) ── delay ──────────────┴──────────  EXITED ── delay (restart policy)
 *   goal STOP:   STOPPING → STOPPED            release (undeploy): STOPPING → STOPPED → removed
 *
 * STOPPING begins with the job's grace period, a wait like any other: a wake ends it early to look
 * again, goal START during a stop's grace keeps the container running, an undeploy during it stops
 * at once, and a deploy during an undeploy's grace keeps the container (the task is not released).
 *
 * A status's errors belong to the state they happened in: `containerError` to FAILED (the failed step)
 * and EXITED (how the container ended), `healthCheckError` to HEALTHCHECKING (the last failed check);
 * the next state starts without them. A released task reports goal UNDEPLOY until it is removed.
 *
 * Each step is level-triggered: it inspects the container and acts on what it sees, so a missed Docker
 * event costs nothing but latency (the agent's resync wakes every supervisor). `wake()` interrupts a wait.
 */
import type { Logger } from 'pino';
import type { DesiredTask, Job, PullProgress, TaskState, TaskStatus, ThrottleState } from '../../core/index.js';
import { boundPortsFromContainer, containerSpec, reportedEnv, type BoundPorts, type SpecContext } from '../docker/containerSpec.js';
import type { ContainerDetails, DockerAdapter, ObservedContainer } from '../docker/dockerAdapter.js';
import { isDockerError } from '../docker/errors.js';
import { healthBackoffMs, runHealthCheck } from '../health/healthCheck.js';
import type { PortRange } from '../ports.js';
import { pickKeeper } from '../reconcile/computePlan.js';
import { restartDecision, type RestartPolicyOptions, type Setback } from './restartPolicy.js';
import { resolvePorts, staticHostPorts, type PortBook } from './taskPorts.js';
import { createWithImage } from './createWithImage.js';
import { TaskSetbackError } from './pullImage.js';
import type { CredentialsFor } from './pullImage.js';
import type { PullPolicy } from './pullPolicy.js';
import { adoptionMismatch } from './adoptionCheck.js';
import { stopWaits } from './stopWaits.js';

export interface SupervisorDeps extends SpecContext {
  docker: DockerAdapter;
  policy: RestartPolicyOptions;
  portBook: PortBook;
  portRange: PortRange;
  bindIp: string;
  health: { baseMs: number; maxMs: number; giveUpMs: number };
  pullPolicy: PullPolicy;
  /** A pull's registry credentials for the task's job, found anew for each pull (the master's, else `--docker-config`). */
  credentials: (image: string, jobId: string) => ReturnType<CredentialsFor>;
  log: Logger;
  onStatus(status: TaskStatus): void;
  onRemoved(jobId: string): void;
  /** A container of the task was started: `restart` when it had run before (its stopped container started again). */
  onContainerStarted?(restart: boolean): void;
  /**
   * Tasks being released whose containers still hold one of these static host ports (a replace sends
   * the old version's undeploy and the new one's deploy together); a create waits for them to finish.
   */
  portHolders(jobId: string, ports: Set<string>): Array<{ jobId: string; finished: Promise<void> }>;
  /** Docker could not be reached; the supervisor retries after `dockerRetryMs`. */
  onDockerTrouble(err: unknown): void;
  dockerRetryMs: number;
  /** `--max-kill-timeout` in seconds: caps a job's gracePeriod and secondsToWaitBeforeKill (each). */
  maxKillTimeoutS: number;
}

const MAX_EXITS_KEPT = 50;
/** The longest a Node timer can wait (2^31 - 1 ms); a longer wait wakes early and looks again. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class Supervisor {
  private task: DesiredTask;
  private containerId: string | null;
  /** The container found to match the job (created by this supervisor, or checked once when adopted). */
  private checkedId: string | null = null;
  private strangers: ObservedContainer[] = [];
  private state: TaskState = 'UNKNOWN';
  private throttle: ThrottleState = 'NO';
  private containerError: string | null = null;
  private healthCheckError: string | null = null;
  /** The pull under way's progress; a new state starts without it. */
  private pullProgress: PullProgress | null = null;
  private ports: BoundPorts = {};
  private lastSent = '';
  private healthy = false;
  private healthFailures = 0;
  /** Why the agent stopped the container itself (its health check), reported with the exit. */
  private unhealthy: string | null = null;
  private healthCheckingSince = 0;
  private runStartedAt = 0;
  private readonly exits: number[] = [];
  private recordedFinish = 0;
  private notBefore = 0;
  private failures = 0;
  private releasing = false;
  /** The grace period under way before SIGTERM, and whether a goal STOP or an undeploy began it. */
  private grace: { for: 'stop' | 'release'; until: number } | null = null;
  /** Released tasks this one waits for before creating its container (their `finished` wakes it). */
  private readonly awaiting = new Set<string>();
  private done = false;
  private dirty = false;
  private wakeUp: (() => void) | null = null;
  readonly finished: Promise<void>;

  constructor(task: DesiredTask, adopt: ObservedContainer | null, private readonly deps: SupervisorDeps) {
    this.task = task;
    this.containerId = adopt?.id ?? null;
    // The loop catches every step's error; this is for a bug outside a step, which must not end the agent.
    this.finished = this.loop().catch((err: unknown) => deps.log.error({ jobId: task.jobId, err }, 'task supervisor failed'));
  }

  get jobId() { return this.task.jobId; }
  get goal() { return this.task.goal; }
  get currentContainerId() { return this.containerId; }
  get job() { return this.task.job; }
  /** Being released and still holding a container (so maybe its ports); never waits on other tasks. */
  get holdsReleasingContainer() { return this.releasing && !this.done && this.containerId !== null; }

  /** A newer desired task (maybe another goal) and the task's containers as the last listing saw them. */
  update(task: DesiredTask, containers: ObservedContainer[]): void {
    const goalChanged = task.goal !== this.task.goal;
    this.task = task;
    this.strangers = containers.filter((c) => c.id !== this.containerId);
    // Deployed again while its undeploy is still in the grace period: the container never got SIGTERM,
    // so the task simply carries on with it.
    if (this.releasing && this.grace?.for === 'release' && this.grace.until > Date.now()) {
      this.releasing = false;
      this.grace = null;
      this.wake();
    } else if (goalChanged) {
      this.notBefore = 0;
      this.failures = 0;
      this.wake();
    } else if (this.strangers.length > 0) {
      this.wake();
    }
  }

  /** Undeploy: stop and remove the container, then report the task removed. */
  release(): void {
    this.releasing = true;
    this.wake();
  }

  /** Let go without touching the container (the agent is stopping). */
  detach(): void {
    this.done = true;
    this.wake();
  }

  wake(): void {
    this.dirty = true;
    this.wakeUp?.();
  }

  private async loop(): Promise<void> {
    await Promise.resolve();
    while (!this.done) {
      this.dirty = false;
      let waitMs: number | null;
      try {
        waitMs = await this.step();
      } catch (err) {
        waitMs = this.failedStep(err);
      }
      if (this.done) break;
      if (this.dirty) continue;
      await new Promise<void>((resolve) => {
        const timer = waitMs === null ? undefined : setTimeout(resolve, Math.min(MAX_TIMER_MS, Math.max(0, waitMs)));
        this.wakeUp = () => { clearTimeout(timer); resolve(); };
      });
      this.wakeUp = null;
    }
  }

  /** One look at the container and one move towards the goal; returns how long to wait (null: for a wake). */
  private async step(): Promise<number | null> {
    if (this.releasing) return this.releaseStep();
    await this.settleStrangers();
    await this.replaceMismatched();
    return this.task.goal === 'START' ? this.startStep() : this.stopStep();
  }

  /** Never two containers per task: keep ours (or adopt the best one), remove the rest. */
  private async settleStrangers(): Promise<void> {
    if (this.strangers.length === 0) return;
    const strangers = this.strangers;
    this.strangers = [];
    if (this.containerId === null) {
      const keep = pickKeeper(strangers);
      this.containerId = keep?.id ?? null;
      this.healthy = false;
    }
    for (const c of strangers) {
      if (c.id === this.containerId) continue;
      this.deps.log.info({ jobId: this.jobId, containerId: c.id }, 'removing a second container of the task');
      await this.deps.docker.remove(c.id);
    }
  }

  /**
   * A container this supervisor did not create is checked once against the job before it counts as
   * the task's: one made by hand with our labels, or by an agent that translated the job otherwise, is
   * stopped (with the job's kill wait) and removed, and the step creates the task's own.
   */
  private async replaceMismatched(): Promise<void> {
    if (this.containerId === null || this.containerId === this.checkedId) return;
    const info = await this.inspectOwn();
    if (!info) return;
    const reason = adoptionMismatch(info, this.task.job, this.deps);
    if (reason === null) {
      this.checkedId = info.id;
      return;
    }
    this.deps.log.warn({ jobId: this.jobId, containerId: info.id, reason }, 'replacing a container that does not match its job');
    if (info.running) {
      this.emit('STOPPING');
      await this.deps.docker.stop(info.id, stopWaits(this.task.job, this.deps.maxKillTimeoutS).killWaitS);
    }
    await this.deps.docker.remove(info.id);
    this.containerId = null;
    this.healthy = false;
    this.ports = {};
  }

  private async inspectOwn(): Promise<ContainerDetails | null> {
    if (!this.containerId) return null;
    try {
      return await this.deps.docker.inspect(this.containerId);
    } catch (err) {
      if (!isDockerError(err, 'CONTAINER_NOT_FOUND')) throw err;
      this.containerId = null;
      this.healthy = false;
      return null;
    }
  }

  private async startStep(): Promise<number | null> {
    this.grace = null; // goal START again during a stop's grace: the container keeps running
    const info = await this.inspectOwn();
    if (info?.running) return this.runningStep(info);
    if (info) {
      if (info.finishedAt > 0 && info.startedAt > 0 && info.finishedAt !== this.recordedFinish) return this.recordExit(info);
      if (Date.now() < this.notBefore) return this.notBefore - Date.now();
      this.emit('STARTING');
      try {
        await this.deps.docker.start(info.id);
      } catch (err) {
        await this.dropContainer(err);
        throw err;
      }
      this.deps.onContainerStarted?.(info.startedAt > 0);
      return this.started(info.id);
    }
    if (Date.now() < this.notBefore) return this.notBefore - Date.now();
    if (this.waitForPortHandover()) return null;
    return this.createAndStart();
  }

  private async createAndStart(): Promise<number | null> {
    const { docker } = this.deps;
    const job = this.task.job;
    this.containerId = null;
    let id: string;
    try {
      id = await createWithImage({
        docker,
        credentials: (image) => this.deps.credentials(image, this.jobId),
        image: job.image,
        policy: this.deps.pullPolicy,
        spec: async () => {
          this.ports = await resolvePorts(job, this.deps.portBook, this.deps.portRange, this.deps.bindIp);
          return containerSpec(job, this.ports, this.deps);
        },
        onState: (state) => this.emit(state),
        onProgress: (progress) => this.emitProgress(progress),
        log: this.deps.log,
      });
    } catch (err) {
      if (isDockerError(err, 'NAME_CONFLICT')) await this.clearNameConflict();
      throw err;
    }
    this.containerId = id;
    this.checkedId = id;
    this.emit('STARTING');
    try {
      await docker.start(id);
    } catch (err) {
      await this.dropContainer(err);
      throw err;
    }
    this.deps.onContainerStarted?.(false);
    return this.started(id);
  }

  /**
   * Whether released tasks still hold static ports this job binds; if so, each one's end wakes this
   * task, so a new version taking over a port starts once instead of failing with "port is already
   * allocated". Level-triggered: a release, a detach or a goal change meanwhile is seen by the next step.
   */
  private waitForPortHandover(): boolean {
    const ports = staticHostPorts(this.task.job);
    if (ports.size === 0) return false;
    const holders = this.deps.portHolders(this.jobId, ports);
    const fresh = holders.filter((h) => !this.awaiting.has(h.jobId));
    for (const holder of fresh) {
      this.awaiting.add(holder.jobId);
      void holder.finished.then(() => { this.awaiting.delete(holder.jobId); this.wake(); });
    }
    if (fresh.length > 0) this.deps.log.info({ jobId: this.jobId, waitingFor: fresh.map((h) => h.jobId) }, 'waiting for a released task to free its ports');
    return holders.length > 0;
  }

  /** Right after a start: health check next, or RUNNING at once (a quick death arrives as an event). */
  private started(_id: string): number | null {
    this.healthy = false;
    this.healthFailures = 0;
    this.healthCheckingSince = 0;
    this.unhealthy = null;
    this.runStartedAt = Date.now();
    if (this.task.job.healthCheck) {
      this.emit('HEALTHCHECKING');
      return 0;
    }
    return this.becomeRunning();
  }

  private becomeRunning(): number | null {
    this.healthy = true;
    this.healthCheckingSince = 0;
    this.failures = 0;
    // An image throttle ends with a container that runs; FLAPPING ends only after the flapping window.
    if (this.throttle !== 'FLAPPING') this.throttle = 'NO';
    this.emit('RUNNING');
    return this.flapClearDelay();
  }

  /** A FLAPPING task that now runs longer than the flapping window is no longer throttled. */
  private flapClearDelay(): number | null {
    if (this.throttle !== 'FLAPPING') return null;
    const left = this.runStartedAt + this.deps.policy.flapWindowMs - Date.now();
    if (left > 0) return left;
    this.throttle = 'NO';
    this.emit('RUNNING');
    return null;
  }

  private async runningStep(info: ContainerDetails): Promise<number | null> {
    if (Object.keys(this.ports).length === 0 && Object.keys(this.task.job.ports ?? {}).length > 0) {
      this.ports = boundPortsFromContainer(this.task.job, info.portBindings, this.deps.bindIp);
    }
    if (!this.runStartedAt) this.runStartedAt = info.startedAt || Date.now();
    if (this.healthy) return this.state === 'RUNNING' ? this.flapClearDelay() : this.becomeRunning();
    const check = this.task.job.healthCheck;
    if (!check) return this.becomeRunning();
    this.emit('HEALTHCHECKING', { healthCheckError: this.healthCheckError });
    // The give-up clock starts with this supervisor's checking, not the container's start: a container
    // re-adopted after an agent restart gets the full time too.
    this.healthCheckingSince ||= Date.now();
    const result = await runHealthCheck(check, { containerId: info.id, ports: this.ports, exec: this.deps.docker.exec });
    const log = { jobId: this.jobId, containerId: info.id };
    if (result.ok) {
      if (this.healthFailures > 0) this.deps.log.info({ ...log, failures: this.healthFailures }, 'health check passing');
      return this.becomeRunning();
    }
    this.healthFailures += 1;
    this.deps.log.debug({ ...log, failures: this.healthFailures, reason: result.message }, 'health check failed');
    if (this.healthFailures === 1) this.deps.log.info({ ...log, reason: result.message }, 'health check failing');
    this.emit('HEALTHCHECKING', { healthCheckError: result.message });
    const { giveUpMs } = this.deps.health;
    if (giveUpMs > 0 && Date.now() - this.healthCheckingSince >= giveUpMs) return this.restartUnhealthy(info, result.message);
    return healthBackoffMs(this.healthFailures, this.deps.health.baseMs, this.deps.health.maxMs);
  }

  /**
   * A container whose health check kept failing for `giveUpMs` is stopped; its exit then goes through
   * the restart policy like any other (so a task that never gets healthy ends up FLAPPING), with the
   * reason kept as its error. Helios retried the check for ever.
   */
  private async restartUnhealthy(info: ContainerDetails, reason: string): Promise<number> {
    const seconds = Math.round(this.deps.health.giveUpMs / 1000);
    this.unhealthy = `health check failing for ${seconds} s, restarting the container: ${reason}`;
    this.deps.log.warn({ jobId: this.jobId, containerId: info.id, reason }, 'health check kept failing: restarting the container');
    await this.deps.docker.stop(info.id, stopWaits(this.task.job, this.deps.maxKillTimeoutS).killWaitS);
    return 0;
  }

  private recordExit(info: ContainerDetails): number {
    this.recordedFinish = info.finishedAt;
    // A run the agent ended because it never got healthy counts as no run at all, so a task that never
    // gets healthy becomes FLAPPING (10 such runs) whatever --health-timeout is.
    this.exits.push(this.unhealthy ? 0 : Math.max(0, info.finishedAt - info.startedAt));
    if (this.exits.length > MAX_EXITS_KEPT) this.exits.shift();
    this.healthy = false;
    this.runStartedAt = 0;
    const decision = restartDecision(this.task.goal, { kind: 'exit', runsMs: this.exits }, this.deps.policy);
    this.throttle = decision.throttle;
    this.notBefore = Date.now() + decision.delayMs;
    const containerError = this.unhealthy ?? (info.error || `exited with code ${info.exitCode}`);
    this.unhealthy = null;
    this.emit('EXITED', { containerError });
    this.deps.log.info({ jobId: this.jobId, exitCode: info.exitCode, containerError, delayMs: decision.delayMs, throttle: decision.throttle }, 'container exited');
    return decision.delayMs;
  }

  private async stopStep(): Promise<number | null> {
    const info = await this.inspectOwn();
    if (info?.running) {
      const graceLeft = await this.stopContainer(info.id, 'stop');
      if (graceLeft !== null) return graceLeft;
    } else if (info) this.recordedFinish = info.finishedAt;
    this.grace = null;
    this.healthy = false;
    this.throttle = 'NO';
    this.failures = 0;
    this.unhealthy = null;
    this.emit('STOPPED');
    return null;
  }

  /**
   * Grace period, then SIGTERM and up to secondsToWaitBeforeKill before Docker's SIGKILL. Returns the ms
   * left of the grace period (the loop waits them, so a wake cuts the wait short and the step looks
   * again), or null once the container has stopped. An undeploy during a goal STOP's grace stops at
   * once. A container that had to be killed is logged with the fix: most often a PID 1 ignoring SIGTERM.
   */
  private async stopContainer(id: string, purpose: 'stop' | 'release'): Promise<number | null> {
    const { graceS, killWaitS: waitBeforeKillS, capped } = stopWaits(this.task.job, this.deps.maxKillTimeoutS);
    const log = { jobId: this.jobId, containerId: id };
    if (this.grace === null) {
      this.emit('STOPPING');
      this.deps.log.info({ ...log, gracePeriodS: graceS, waitBeforeKillS }, 'stopping the container');
      if (capped) this.deps.log.warn({ ...log, ...capped, maxKillTimeoutS: this.deps.maxKillTimeoutS }, 'the job\'s stop waits are cut to --max-kill-timeout');
      this.grace = { for: purpose, until: Date.now() + graceS * 1000 };
    } else if (purpose === 'release' && this.grace.for === 'stop') {
      this.grace = { for: purpose, until: 0 };
    }
    const graceLeft = this.grace.until - Date.now();
    if (graceLeft > 0) return graceLeft;
    const since = Date.now();
    await this.deps.docker.stop(id, waitBeforeKillS);
    const stoppedInMs = Date.now() - since;
    const after = await this.inspectOwn();
    if (after) this.recordedFinish = after.finishedAt;
    if (waitBeforeKillS > 0 && stoppedInMs >= waitBeforeKillS * 1000) {
      this.deps.log.warn({ ...log, waitBeforeKillS, exitCode: after?.exitCode, fix: 'init: true in the job (or a command that exits on SIGTERM)' },
        'container ignored SIGTERM: killed after secondsToWaitBeforeKill');
    } else {
      this.deps.log.info({ ...log, stoppedInMs }, 'container stopped');
    }
    return null;
  }

  private async releaseStep(): Promise<number | null> {
    const info = await this.inspectOwn();
    if (info?.running) {
      const graceLeft = await this.stopContainer(info.id, 'release');
      if (graceLeft !== null) return graceLeft;
      this.emit('STOPPED');
    }
    this.grace = null;
    if (this.containerId) await this.deps.docker.remove(this.containerId);
    for (const c of this.strangers) await this.deps.docker.remove(c.id);
    await this.deps.portBook.release(this.jobId);
    this.done = true;
    this.deps.log.info({ jobId: this.jobId }, 'task removed');
    this.deps.onRemoved(this.jobId);
    return null;
  }

  /**
   * A container Docker refused to start is removed, so the next attempt starts clean (new ports too):
   * its ports are taken, or the engine rejected the container itself (a 4xx: its command, a conflict, a
   * network gone). One whose start got no answer, or an answer that is the engine's own failure (a 5xx),
   * is kept: a dockerd shutting down answers a start with "failed to update store for object type
   * *libnetwork.endpoint" (500) for a second or more after its "shutdown complete" on a loaded machine,
   * and forgetting the container then made the next create clash with its name and remove it (or left it
   * half removed, "marked for removal"): a running task's container lost to a dockerd restart.
   */
  private async dropContainer(err: unknown): Promise<void> {
    if (!startRefused(err)) return;
    const id = this.containerId;
    this.containerId = null;
    if (isDockerError(err, 'PORT_IN_USE')) await this.deps.portBook.release(this.jobId);
    if (id) await this.deps.docker.remove(id).catch(() => {});
  }

  /** Another container holds our name: if it is ours (same labels), remove it; the retry creates anew. */
  private async clearNameConflict(): Promise<void> {
    const mine = (await this.deps.docker.listContainers()).filter((c) => c.jobId === this.jobId);
    for (const c of mine) await this.deps.docker.remove(c.id);
  }

  /**
   * A step that threw: its setback, or, should turning it into one fail too (a task the agent cannot
   * make sense of), a log line and another try later. The loop never ends on an error: an unhandled
   * rejection would stop the whole agent.
   */
  private failedStep(err: unknown): number {
    try {
      return this.setback(err);
    } catch (failure) {
      this.deps.log.error({ jobId: this.jobId, err: failure, stepError: err }, 'task step failed and could not be reported');
      return this.deps.policy.failureMaxDelayMs;
    }
  }

  /** Turns a failed step into a state, a throttle and a delay. */
  private setback(err: unknown): number {
    if (isDockerError(err, 'DOCKER_UNAVAILABLE')) {
      this.deps.onDockerTrouble(err);
      return this.deps.dockerRetryMs;
    }
    let setback: Setback;
    if (err instanceof TaskSetbackError) setback = { kind: err.kind };
    else setback = { kind: 'failure', consecutive: ++this.failures };
    const decision = restartDecision(this.task.goal, setback, this.deps.policy);
    this.throttle = decision.throttle;
    this.notBefore = Date.now() + decision.delayMs;
    this.deps.log.warn({ jobId: this.jobId, err, delayMs: decision.delayMs }, 'task step failed');
    this.emit('FAILED', { containerError: err instanceof Error ? err.message : String(err) });
    return decision.delayMs;
  }

  /** Reports the task's status when anything in it changed; errors not given are not this state's. */
  private emit(state: TaskState, errors: { containerError?: string; healthCheckError?: string | null } = {}): void {
    this.state = state;
    this.containerError = errors.containerError ?? null;
    this.healthCheckError = errors.healthCheckError ?? null;
    this.pullProgress = null;
    this.send();
  }

  /** A pull's progress, reported with the PULLING_IMAGE status (the master keeps it out of history). */
  private emitProgress(progress: PullProgress): void {
    if (this.state !== 'PULLING_IMAGE') return;
    this.pullProgress = progress;
    this.send();
  }

  private send(): void {
    const status = this.status();
    const key = JSON.stringify(status);
    if (key === this.lastSent) return;
    this.lastSent = key;
    if (!status.pullProgress) this.deps.log.debug({ jobId: this.jobId, state: this.state, containerId: this.containerId }, 'task state');
    this.deps.onStatus(status);
  }

  status(): TaskStatus {
    const job: Job = this.task.job;
    return {
      jobId: this.jobId,
      goal: this.releasing ? 'UNDEPLOY' : this.task.goal,
      state: this.state,
      containerId: this.containerId,
      throttled: this.throttle,
      ports: Object.fromEntries(Object.entries(this.ports).map(([name, p]) => [name, {
        ip: p.ip, internalPort: p.internalPort, externalPort: p.externalPort, protocol: p.protocol,
      }])),
      env: reportedEnv(job, this.ports, this.deps),
      containerError: this.containerError,
      ...(this.healthCheckError === null ? {} : { healthCheckError: this.healthCheckError }),
      ...(this.pullProgress && { pullProgress: this.pullProgress }),
    };
  }
}

/** Whether Docker refused a start because of the container (see dropContainer), not failed or went silent. */
function startRefused(err: unknown): boolean {
  if (isDockerError(err, 'PORT_IN_USE')) return true;
  const statusCode = isDockerError(err) ? err.data.statusCode : undefined;
  return statusCode !== undefined && statusCode >= 400 && statusCode < 500;
}
