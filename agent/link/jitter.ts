/**
 * Jittered waits for the agent's calls to the master, so that a fleet does not move in lockstep: after
 * a master restart every agent's retries, and then its heartbeats, would otherwise land together
 * (client-go jitters its backoff, Nomad its heartbeat TTL). Both only shorten a wait, never lengthen it.
 */

/** Share of a heartbeat interval taken off at random. */
const HEARTBEAT_JITTER = 0.2;

/**
 * The wait before the next heartbeat: 80–100 % of the interval, never more, since the master's
 * `--down-after` counts on the interval.
 * @example heartbeatDelayMs(5_000) // → between 4000 and 5000
 */
export const heartbeatDelayMs = (intervalMs: number, random: () => number = Math.random): number =>
  Math.round(intervalMs * (1 - HEARTBEAT_JITTER * random()));

/**
 * A backoff step drawn from the upper half of its ceiling ("equal jitter"): retries still spread
 * out as the ceiling doubles, and none waits longer than the plain backoff would.
 * @example retryDelayMs(2_000) // → between 1000 and 2000
 */
export const retryDelayMs = (ceilingMs: number, random: () => number = Math.random): number =>
  Math.round(ceilingMs / 2 + (ceilingMs / 2) * random());
