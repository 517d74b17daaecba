import type { Goal, ThrottleState } from '../../core/index.js';

/** The numbers of the reference (Helios); tests pass smaller ones. */
export interface RestartPolicyOptions {
  /** Flapping: the last `flapExits` exits whose run times add up to under `flapWindowMs`. */
  flapExits: number;
  flapWindowMs: number;
  normalDelayMs: number;
  flappingDelayMs: number;
  imageMissingDelayMs: number;
  imagePullFailedDelayMs: number;
  /** A failure to create or start doubles its delay from `normalDelayMs` up to this. */
  failureMaxDelayMs: number;
}

export const defaultRestartPolicy: RestartPolicyOptions = {
  flapExits: 10,
  flapWindowMs: 60_000,
  normalDelayMs: 1_000,
  flappingDelayMs: 30_000,
  imageMissingDelayMs: 120_000,
  imagePullFailedDelayMs: 30_000,
  failureMaxDelayMs: 30_000,
};

/** Why the task is not running. `runsMs` are the run times of its past exits, oldest first. */
export type Setback =
  | { kind: 'exit'; runsMs: number[] }
  | { kind: 'imageMissing' }
  | { kind: 'imagePullFailed' }
  | { kind: 'failure'; consecutive: number };

export interface RestartDecision {
  restart: boolean;
  delayMs: number;
  throttle: ThrottleState;
}

export function isFlapping(runsMs: number[], o: RestartPolicyOptions): boolean {
  if (runsMs.length < o.flapExits) return false;
  const total = runsMs.slice(-o.flapExits).reduce((sum, ms) => sum + ms, 0);
  return total < o.flapWindowMs;
}

/**
 * Whether and when to try again (Nomad's `restarts.go` shape: a pure answer, the supervisor waits).
 * @example restartDecision('START', { kind: 'exit', runsMs: [50] }) // { restart: true, delayMs: 1000, throttle: 'NO' }
 */
export function restartDecision(goal: Goal, setback: Setback, o: RestartPolicyOptions = defaultRestartPolicy): RestartDecision {
  if (setback.kind === 'failure') {
    // Whatever the goal: a stop or remove that keeps failing is retried with the same backoff, not at once.
    const delayMs = Math.min(o.failureMaxDelayMs, o.normalDelayMs * 2 ** Math.max(0, setback.consecutive - 1));
    return { restart: goal === 'START', delayMs, throttle: 'NO' };
  }
  if (goal !== 'START') return { restart: false, delayMs: 0, throttle: 'NO' };
  switch (setback.kind) {
    case 'imageMissing':
      return { restart: true, delayMs: o.imageMissingDelayMs, throttle: 'IMAGE_MISSING' };
    case 'imagePullFailed':
      return { restart: true, delayMs: o.imagePullFailedDelayMs, throttle: 'IMAGE_PULL_FAILED' };
    case 'exit':
      return isFlapping(setback.runsMs, o)
        ? { restart: true, delayMs: o.flappingDelayMs, throttle: 'FLAPPING' }
        : { restart: true, delayMs: o.normalDelayMs, throttle: 'NO' };
  }
}
