import { HeliosError } from '../errors/HeliosError.js';
import { isErrorCode } from '../errors/codes.js';
import { setMaxListeners } from 'node:events';
import { userInfo } from 'node:os';
import { HELIOS_VERSION } from '../version.js';
import { createHttpFetch } from './httpFetch.js';
import { reachHints, unreachable } from './unreachable.js';
import { mayResend, type ResendPolicy } from './failover.js';

export interface ClientOptions {
  /** The master's URL, e.g. http://127.0.0.1:5801 (with `masters`, the first of them). */
  baseUrl: string;
  /**
   * Several masters of one cluster (fail-over): each request goes to the one that last answered and,
   * when it cannot be reached, to the next (see failover.ts for what is sent again); `baseUrl` is
   * then ignored. An error after all failed names each.
   */
  masters?: string[];
  /** What may be sent again to the next master after it may have reached one (default `reads`; see failover.ts). */
  resend?: ResendPolicy;
  /** Bearer token for a master started with --token-file (HELIOS_TOKEN). */
  token?: string;
  /** Who is asking: `cli` (default), `pulumi:<project>/<stack>`; recorded as the owner of what is created. */
  owner?: string;
  /** Per-request timeout in ms (blocking queries add their wait to it). */
  timeoutMs?: number;
  /** Who deploys, recorded as `deployerUser`; defaults to the OS user name. */
  user?: string;
  /**
   * The fetch to send requests with (default: the global one, or with `tls` one over node:https).
   * The CLI passes `createHttpFetch`, because undici's fetch costs 100–250 ms to load on its first
   * call, more than the rest of a command.
   */
  fetch?: FetchLike;
  /** A private CA to trust, and a client certificate for a master with --client-ca (PEM texts; see readTlsFiles). */
  tls?: TlsOptions;
  /** How this program's user sets the master's address, named when it cannot be reached (default `-z or HELIOS_MASTER`). */
  masterHint?: string;
  /** What to check when nothing answers at the master's address (default `set <masterHint>`); see ReachHints.down. */
  masterDownHint?: string;
  /** How to give a CA, named when the master's certificate cannot be verified (default `--ca FILE (HELIOS_CA)`). */
  caHint?: string;
  /** How to give a client certificate, named when the master wants one (default `--cert FILE --key FILE (HELIOS_CERT, HELIOS_KEY)`). */
  certHint?: string;
}

/**
 * PEM texts. The master's certificate is always verified: against `ca` when given, else the CAs built
 * into Node and NODE_EXTRA_CA_CERTS (not the operating system's store).
 */
export interface TlsOptions {
  ca?: string;
  cert?: string;
  key?: string;
  /** Accept a certificate that does not name the address used (Helios' `-k`); its chain is still verified. */
  skipHostnameCheck?: boolean;
}

/** The part of `fetch` the transport uses. */
export type FetchLike = (url: URL, init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal; redirect?: 'manual' }) =>
  Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

export type Query = Record<string, string | number | boolean | undefined | string[]>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Headers of this request only (an agent's Helios-Cluster-Id). */
  headers?: Record<string, string>;
}

export type Transport = <T>(method: string, path: string, options?: RequestOptions) => Promise<T>;

/** Path segments are always encoded: a job id or host name can never escape its segment. */
export const seg = (value: string) => encodeURIComponent(value);

export function createTransport(options: ClientOptions): Transport {
  const masters = (options.masters?.length ? options.masters : [options.baseUrl]).map((url) => url.replace(/\/+$/, ''));
  const headers: Record<string, string> = { 'Helios-Version': HELIOS_VERSION, 'Helios-Owner': options.owner ?? 'cli' };
  const user = options.user ?? osUser();
  if (user) headers['Helios-User'] = user;
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  // The global fetch takes no CA or client certificate; its default stays, as it answers short
  // requests about 0.1 ms sooner (long-polls are answered as fast over either).
  const send = options.fetch ?? (options.tls ? createHttpFetch(options.tls) : fetch);
  const hints = reachHints(options);
  const explain = (master: string, err: unknown) => unreachable(master, err, hints, options.tls?.cert !== undefined);
  const resend = options.resend ?? 'reads';
  // The master that last answered (or the next after one that failed): every request starts there.
  let current = 0;
  // With resend 'all', a request that finds a master not answering moves the others waiting on it too
  // (a blocking query held by a silent master goes on at the next, not after its own long timeout).
  // Every request in flight to a master listens on its controller: no cap (Node warns past 10).
  const moveOnController = () => {
    const controller = new AbortController();
    setMaxListeners(0, controller.signal);
    return controller;
  };
  const moveOn = masters.map(moveOnController);

  return async function request<T>(method: string, path: string, req: RequestOptions = {}): Promise<T> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) query.append(key, String(item));
    }
    const search = query.size > 0 ? `?${query}` : '';
    // Serialised before sending: a body that cannot be sent is this caller's error, not "cannot reach the master".
    const body = req.body === undefined ? undefined : serialise(method, path, req.body);
    const failures: HeliosError[] = [];
    for (let tried = 0; tried < masters.length; tried++) {
      const index = (current + tried) % masters.length;
      // Each master is given the whole time: a blocking query moved to the next one waits there afresh.
      const timeout = AbortSignal.timeout(req.timeoutMs ?? options.timeoutMs ?? 30_000);
      // A listener of this attempt's own, removed after it (AbortSignal.any on a long-lived signal keeps every dependant).
      const moved = moveOn[index];
      const attempt = new AbortController();
      const follow = () => attempt.abort(moved.signal.reason);
      moved.signal.addEventListener('abort', follow, { once: true });
      const signal = AbortSignal.any([timeout, attempt.signal, ...(req.signal ? [req.signal] : [])]);
      let response: Awaited<ReturnType<FetchLike>>;
      try {
        response = await send(new URL(masters[index] + path + search), {
          method,
          headers: { ...headers, ...req.headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
          body,
          signal,
          // A redirect is an error, never followed (fetch would re-send the body to wherever it points,
          // http:// included); the node:http(s) fetch never follows one either.
          redirect: 'manual',
        });
      } catch (err) {
        // A fetch of several masters (the CLI's fail-over) has already said which failed and why.
        if (req.signal?.aborted || err instanceof HeliosError) throw err;
        failures.push(explain(masters[index], err));
        if (masters.length > 1 && mayResend(err, method, resend)) {
          if (resend === 'all' && moveOn[index] === moved) {
            moveOn[index] = moveOnController();
            moved.abort(new DOMException(`another request found ${masters[index]} not answering`, 'TimeoutError'));
          }
          continue;
        }
        // Not sent again; the next request starts at the next master.
        current = (index + 1) % masters.length;
        throw failures.length === 1 ? failures[0] : noMasterAnswers(masters, failures);
      } finally {
        moved.signal.removeEventListener('abort', follow);
      }
      current = index;
      const text = await response.text();
      const answer: unknown = text ? parseJson(text) : undefined;
      if (!response.ok) throw errorFromResponse(response.status, answer, text);
      return answer as T;
    }
    throw masters.length === 1 ? failures[0] : noMasterAnswers(masters, failures);
  };
}

/** MASTER_UNREACHABLE naming each master tried and why it failed. */
export function noMasterAnswers(masters: string[], failures: HeliosError[]): HeliosError {
  return new HeliosError('MASTER_UNREACHABLE', `no master of ${masters.join(', ')} answers: ${failures.map((f) => f.message).join('; ')}`,
    { masters }, { cause: failures.at(-1) });
}

/**
 * The body as JSON, or an INVALID_REQUEST naming the request: a value too deep for JSON.stringify's
 * stack, a cycle or a BigInt never reaches the network and is never reported as the master's fault.
 */
function serialise(method: string, path: string, body: unknown): string {
  try {
    return JSON.stringify(body);
  } catch (err) {
    throw new HeliosError('INVALID_REQUEST', `cannot send ${method} ${path}: its body cannot be written as JSON (${(err as Error).message})`, {}, { cause: err });
  }
}

/** The OS user name, or undefined where there is none (no passwd entry in some containers). */
function osUser(): string | undefined {
  try {
    const name = userInfo().username;
    return /^[\x21-\x7e]{1,200}$/.test(name) ? name : undefined;
  } catch {
    return undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Turns an error body back into the HeliosError the master threw. */
export function errorFromResponse(httpStatus: number, body: unknown, text: string): HeliosError {
  if (typeof body === 'object' && body !== null) {
    const { status, message, ...data } = body as Record<string, unknown>;
    const msg = typeof message === 'string' ? message : `HTTP ${httpStatus}`;
    if (isErrorCode(status)) return new HeliosError(status, msg, data);
  }
  const code = httpStatus === 401 ? 'UNAUTHORIZED' : httpStatus === 404 ? 'NOT_FOUND' : httpStatus === 413 ? 'PAYLOAD_TOO_LARGE'
    : httpStatus >= 500 ? 'INTERNAL_ERROR' : 'INVALID_REQUEST';
  return new HeliosError(code, `master answered HTTP ${httpStatus}: ${text.slice(0, 200)}`);
}
