import { DEFAULT_SECONDS_TO_WAIT_BEFORE_KILL, type Job } from '../../core/index.js';

/** What a container is given when it stops: the job's waits, each capped by the agent's `--max-kill-timeout`. */
export interface StopWaits {
  /** Seconds between deciding to stop and SIGTERM (the job's `gracePeriod`). */
  graceS: number;
  /** Seconds after SIGTERM before Docker's SIGKILL (the job's `secondsToWaitBeforeKill`). */
  killWaitS: number;
  /** The job's own values, when the cap cut them (to say so in the log). */
  capped: { gracePeriod?: number; secondsToWaitBeforeKill?: number } | null;
}

/**
 * The job's waits as the agent applies them. Validation bounds each at a day, but a job stored before
 * that bound (or by another master) may ask for more than a timer can hold: the cap keeps every stop
 * finite, as Nomad's `max_kill_timeout` does.
 * @example stopWaits({ secondsToWaitBeforeKill: 3_000_000_000 }, 600) // → { graceS: 0, killWaitS: 600, capped: { secondsToWaitBeforeKill: 3000000000 } }
 */
export function stopWaits(job: Pick<Job, 'gracePeriod' | 'secondsToWaitBeforeKill'>, maxS: number): StopWaits {
  const grace = job.gracePeriod ?? 0;
  const killWait = job.secondsToWaitBeforeKill ?? DEFAULT_SECONDS_TO_WAIT_BEFORE_KILL;
  const graceS = capSeconds(grace, maxS, 0);
  const killWaitS = capSeconds(killWait, maxS, DEFAULT_SECONDS_TO_WAIT_BEFORE_KILL);
  const capped = {
    ...(graceS !== grace ? { gracePeriod: grace } : {}),
    ...(killWaitS !== killWait ? { secondsToWaitBeforeKill: killWait } : {}),
  };
  return { graceS, killWaitS, capped: Object.keys(capped).length > 0 ? capped : null };
}

/** A wait in whole seconds from 0 to `maxS`; `fallback` for anything that is not a number of seconds. */
export function capSeconds(value: unknown, maxS: number, fallback: number): number {
  const seconds = typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.ceil(value) : fallback;
  return Math.min(seconds, maxS);
}
