/**
 * When a client of several masters moves on to the next (transport.ts' `masters`, the CLI's
 * masterFetch.ts). A request that reached no master (refused, unroutable, unknown host, no connection
 * made in time) is always sent to the next. One that may have reached a master before its connection
 * was cut (reset, closed, timed out: a master killed or lost in the middle of a blocking query) is sent
 * again only when sending it twice does no harm: a read, or any request of a client whose requests are
 * all idempotent (`resend: 'all'`: an agent's registration, heartbeats and status reports, a syncer's
 * whole desired set).
 */
export type ResendPolicy = 'reads' | 'all';

const NOT_CONNECTED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT']);
const CUT_OFF = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

const codeOf = (err: unknown) => (err as { cause?: { code?: string } })?.cause?.code;
const timedOut = (err: unknown) => err instanceof Error && err.name === 'TimeoutError';

/** The request never reached a master: sending it to another is always safe. */
export const reachedNoMaster = (err: unknown): boolean => NOT_CONNECTED.has(codeOf(err) ?? '');

/** Whether a request that failed with `err` (a fetch error, not an HTTP answer) may go to the next master. */
export function mayResend(err: unknown, method: string, resend: ResendPolicy): boolean {
  if (reachedNoMaster(err)) return true;
  const cut = timedOut(err) || CUT_OFF.has(codeOf(err) ?? '');
  return cut && (resend === 'all' || method === 'GET');
}
