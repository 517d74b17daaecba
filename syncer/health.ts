/**
 * What the syncer says about itself on `GET /healthz`, from what its passes did:
 *  - ok: the last pass succeeded (applied, planned, or nothing to do);
 *  - failing: the last pass failed or its commit was refused, but a pass succeeded within `staleAfterMs`
 *    (a refused commit is a pass that worked: the master recorded it; the repository needs a fix);
 *  - stale: no pass has succeeded for `staleAfterMs` (since the start, or since the last good one),
 *    whatever the reason (a git server or master that does not answer, a pass that never ends). This
 *    one is a 503: the syncer is not doing its job, and something other than a commit must change.
 */
import { formatMs } from './reactor.js';

export type HealthState = 'ok' | 'failing' | 'stale';

export interface HealthReport {
  state: HealthState;
  /** Ms since the last good pass (or since the start, before one). */
  sinceGoodMs: number;
  /** One line for a person: what is wrong and since when (only to callers with the webhook secret). */
  message: string;
}

export function createHealth(o: { staleAfterMs: number; now?: () => number }) {
  const now = o.now ?? Date.now;
  const started = now();
  let lastGood: number | undefined;
  let failure: string | undefined;
  let refused = false;
  return {
    /** A pass reached the master; `refused` when it refused the commit. */
    passed(result: { refused: boolean }): void {
      lastGood = now();
      failure = undefined;
      refused = result.refused;
    },
    failed(message: string): void {
      failure = message;
    },
    report(runningSince?: number): HealthReport {
      const at = now();
      const sinceGoodMs = at - (lastGood ?? started);
      const last = lastGood === undefined ? `no pass has succeeded since the start ${formatMs(sinceGoodMs)} ago` : `last good pass ${formatMs(sinceGoodMs)} ago`;
      const running = runningSince !== undefined && at - runningSince > o.staleAfterMs ? `; a pass has been running for ${formatMs(at - runningSince)}` : '';
      if (sinceGoodMs > o.staleAfterMs) {
        return { state: 'stale', sinceGoodMs, message: `${failure ?? 'no pass has finished'}; ${last}${running}` };
      }
      if (failure !== undefined) return { state: 'failing', sinceGoodMs, message: `${failure}; ${last}` };
      if (refused) return { state: 'failing', sinceGoodMs, message: `the last commit was refused (see helios sync status); ${last}` };
      return { state: 'ok', sinceGoodMs, message: last };
    },
  };
}

export type Health = ReturnType<typeof createHealth>;
