import type { HeliosError } from '../core/errors/HeliosError.js';
import { noMasterAnswers, type FetchLike } from '../core/client/transport.js';
import { mayResend } from '../core/client/failover.js';

export interface MasterFetchOptions {
  /** One cluster's masters, in order; the client's baseUrl is the first. */
  masters: string[];
  send: FetchLike;
  /** Each attempt's own time (--http-timeout). */
  httpTimeoutMs: number;
  /** How long connection failures are retried, round after round (--retry-timeout; 0: one round). */
  retryTimeoutMs: number;
  /** Pause between rounds. */
  delayMs?: number;
  /** Turns the last failure of one master into its "cannot reach" error (the transport's words). */
  explain: (master: string, err: unknown) => HeliosError;
}

/**
 * The fetch of a cluster's client: each request goes to the master that last answered, and when that
 * one cannot be reached, to the next (fail-over, Helios' EndpointIterator); when none can, the round
 * is tried again after `delayMs` until `retryTimeoutMs` has passed (Helios' RetryingRequestDispatcher
 * retries for --retry-timeout, 5 s apart). Only what never reached a master is sent again (a refused
 * or unroutable connection), and a GET cut off or timed out (core/client/failover.ts). With one master and no retry time it is the
 * plain fetch, so its failure reads as the transport words it; with several the error names each.
 */
export function createMasterFetch(options: MasterFetchOptions): FetchLike {
  const { masters, send, httpTimeoutMs, retryTimeoutMs, delayMs = 1_000 } = options;
  const base = masters[0].replace(/\/+$/, '');
  // The path after the first master's: URL drops a default port (:80) and lower-cases the host, so the text of `base` is no guide.
  const basePath = new URL(base).pathname.replace(/\/+$/, '');
  let current = 0;
  return async (url, init) => {
    const deadline = Date.now() + retryTimeoutMs;
    const failures = new Map<string, unknown>();
    for (;;) {
      for (let tried = 0; tried < masters.length; tried++) {
        const index = (current + tried) % masters.length;
        const master = masters[index].replace(/\/+$/, '');
        const attempt = AbortSignal.any([init.signal, AbortSignal.timeout(httpTimeoutMs)]);
        try {
          const response = await send(new URL(master + url.pathname.slice(basePath.length) + url.search), { ...init, signal: attempt });
          current = index;
          return response;
        } catch (err) {
          if (init.signal.aborted || !mayResend(err, init.method, 'reads')) throw masters.length === 1 ? err : options.explain(master, err);
          failures.set(master, err);
        }
      }
      const left = deadline - Date.now();
      if (left <= 0) break;
      await new Promise((resolve) => setTimeout(resolve, Math.min(delayMs, left)));
    }
    if (masters.length === 1) throw failures.get(base);
    throw noMasterAnswers(masters, [...failures].map(([master, err]) => options.explain(master, err)));
  };
}
