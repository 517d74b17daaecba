/**
 * isomorphic-git's HTTP client, on node:http(s), with the timeouts its own (`isomorphic-git/http/node`,
 * simple-get with none) lacks: a git server or proxy that accepts the connection and never answers, or
 * stops half-way through a pack, fails the request instead of leaving a pass waiting for ever.
 *  - connect: the TCP (and TLS) connection must be up within `timeoutMs`;
 *  - read: once connected, no `timeoutMs` may pass without a byte, headers and body alike;
 *  - `signal` (the pass's deadline) ends a request at any point.
 * Redirects are followed for GET only (git's discovery; isomorphic-git takes the final URL from the
 * answer), at most 5, never from https to http, and an Authorization header is dropped when the origin changes.
 */
import http from 'node:http';
import https from 'node:https';
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';
import { watchPack } from './packWatch.js';

export interface GitHttpOptions {
  timeoutMs: number;
  /** Ends every request of this client (isomorphic-git's fetch takes no signal of its own). */
  signal?: AbortSignal;
  /** What the timeout's error names as the way to change it. */
  flag?: string;
  /** A fetched pack holding a larger object fails as it streams (packWatch.ts), named by `objectFlag`. */
  maxObjectBytes?: number;
  objectFlag?: string;
}

/** The git server did not connect, or went quiet, for longer than the timeout. */
export class GitTimeoutError extends Error {
  readonly code = 'GIT_TIMEOUT' as const;
  override name = 'GitTimeoutError';
}

const MAX_REDIRECTS = 5;

export function createGitHttp(options: GitHttpOptions): HttpClient {
  const seconds = `${Math.round(options.timeoutMs / 100) / 10} s`;
  const flag = options.flag ? ` (${options.flag})` : '';
  return {
    async request(req: GitHttpRequest): Promise<GitHttpResponse> {
      const body = req.body ? await collect(req.body) : undefined;
      let url = new URL(req.url);
      let headers = { ...req.headers };
      for (let redirects = 0; ; redirects++) {
        const signals = [req.signal, options.signal].filter((s): s is AbortSignal => s !== undefined);
        const res = await send(url, req.method ?? 'GET', headers, body, signals.length > 1 ? AbortSignal.any(signals) : signals[0]);
        const location = res.headers.location;
        if (res.statusCode === undefined || res.statusCode < 300 || res.statusCode >= 400 || !location || req.method === 'POST') {
          return {
            url: url.href,
            method: req.method,
            statusCode: res.statusCode ?? 0,
            statusMessage: res.statusMessage ?? '',
            headers: flatHeaders(res.headers),
            body: options.maxObjectBytes !== undefined && url.pathname.endsWith('/git-upload-pack')
              ? watchPack(res, options.maxObjectBytes, options.objectFlag ?? 'maxObjectBytes')
              : res[Symbol.asyncIterator](),
          };
        }
        res.resume();
        if (redirects >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects from ${req.url}`);
        const next = new URL(location, url);
        if (url.protocol === 'https:' && next.protocol !== 'https:') throw new Error(`refusing a redirect from ${url.origin} to ${next.origin} (https to http)`);
        if (next.origin !== url.origin) headers = Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'));
        url = next;
      }
    },
  };

  function send(url: URL, method: string, headers: Record<string, string>, body: Buffer | undefined, signal: AbortSignal | undefined): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const client = url.protocol === 'https:' ? https : http;
      const req = client.request(url, {
        method,
        headers: body ? { ...headers, 'content-length': String(body.length) } : headers,
        // Node's keep-alive agent would let a request wait in its queue: each pass makes a handful.
        agent: false,
      });
      let response: http.IncomingMessage | undefined;
      // Once the answer has begun, its reader (isomorphic-git) is told through the answer's stream.
      const fail = (err: Error) => (response ? response.destroy(err) : req.destroy(err));
      // The signal's reason (the pass's deadline) is the error, not a bare AbortError.
      const aborted = () => fail(signal!.reason instanceof Error ? signal!.reason : new Error(String(signal!.reason)));
      const connectTimer = setTimeout(() => fail(new GitTimeoutError(`no connection to ${url.host} within ${seconds}${flag}`)), options.timeoutMs);
      req.on('error', (err) => { clearTimeout(connectTimer); reject(err); });
      req.once('response', (res) => {
        response = res;
        // The reader sees a failure through its iterator; an answer nobody reads must not crash the process.
        res.on('error', () => {});
        resolve(res);
      });
      req.once('close', () => {
        clearTimeout(connectTimer);
        signal?.removeEventListener('abort', aborted);
      });
      req.once('socket', (socket) => {
        const connected = () => {
          clearTimeout(connectTimer);
          // From here on, any silence this long ends the request, the body's included.
          req.setTimeout(options.timeoutMs, () => fail(new GitTimeoutError(`the git server at ${url.host} did not answer within ${seconds}${flag}`)));
        };
        if (socket.connecting) socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', connected);
        else connected();
      });
      if (signal?.aborted) return aborted();
      signal?.addEventListener('abort', aborted, { once: true });
      req.end(body);
    });
  }
}

async function collect(body: AsyncIterableIterator<Uint8Array> | Iterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).flatMap(([name, value]) => (value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]])));
}
