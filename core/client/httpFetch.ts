import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { FetchLike, TlsOptions } from './transport.js';

/**
 * The client's requests over node:http(s) instead of the global fetch. The CLI uses it always:
 * undici costs 100–250 ms to load on its first call there, more than the rest of a command. Every
 * client uses it for TLS options (a private CA, a client certificate), which the global fetch cannot
 * take without undici's own Agent. Certificates are always verified (`skipHostnameCheck` waives only
 * the name check). Errors keep fetch's shape (a
 * TypeError whose `cause` has the socket or TLS error's `code`; the signal's reason on abort), so the
 * client still says "cannot reach the master … connection refused" or why the certificate was refused.
 * @example
 *   const client = createClient({ baseUrl: 'https://master:5801', fetch: createHttpFetch({ ca }) });
 */
export function createHttpFetch(tls?: TlsOptions): FetchLike {
  return async (url, init) => {
    const secure = url.protocol === 'https:';
    const { request } = secure ? await import('node:https') : await import('node:http');
    const agent = secure ? await httpsAgent(tls ?? {}) : await httpAgent();
    const headers = init.body === undefined ? init.headers : { ...init.headers, 'Content-Length': String(Buffer.byteLength(init.body)) };
    return new Promise((resolve, reject) => {
      const fail = (err: unknown) => reject(init.signal.aborted ? init.signal.reason : new TypeError('fetch failed', { cause: err }));
      const req = request(url, { method: init.method, headers, signal: init.signal, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ ok: status >= 200 && status < 300, status, text: async () => text });
        });
      });
      req.on('error', fail);
      req.end(init.body);
    });
  };
}

/**
 * What every agent of this client keeps alive, http and https alike (Node 20's global agents' options,
 * written out so that both stay the same): an idle socket is closed after 5 s, or a second before the
 * server's `Keep-Alive: timeout=N` hint, so a request is never sent on a socket the server is closing
 * as idle (ECONNRESET, socket hang up). Without `timeout` an agent ignores that hint.
 */
const KEEP_ALIVE = { keepAlive: true, timeout: 5_000, scheduling: 'lifo' } as const;

let plainAgent: Promise<HttpAgent> | undefined;

function httpAgent(): Promise<HttpAgent> {
  return plainAgent ??= import('node:http').then(({ Agent }) => new Agent(KEEP_ALIVE));
}

/**
 * One keep-alive agent per TLS configuration in the process, as the global fetch shares one pool:
 * an agent's heartbeats and long-polls reuse one TLS session instead of a handshake per request, and
 * clients made per call (the Pulumi provider makes one per method) take the sockets the last one left
 * idle instead of each leaving its own open until the master's keep-alive timeout, which the master's
 * connection caps would count.
 */
const httpsAgents = new Map<string, Promise<HttpsAgent>>();

function httpsAgent(tls: TlsOptions): Promise<HttpsAgent> {
  const key = JSON.stringify([tls.ca, tls.cert, tls.key, tls.skipHostnameCheck === true]);
  let agent = httpsAgents.get(key);
  if (!agent) httpsAgents.set(key, agent = import('node:https').then(({ Agent }) => new Agent({ ...KEEP_ALIVE, ...tlsConnectOptions(tls) })));
  return agent;
}

/** The client's TLS options as node's tls.connect takes them: its https agents', and the WebSockets' (logs, exec, the agent's channel). */
export function tlsConnectOptions(tls: TlsOptions | undefined): { ca?: string; cert?: string; key?: string; checkServerIdentity?: () => undefined } {
  if (!tls) return {};
  const { skipHostnameCheck, ...pem } = tls;
  return { ...pem, ...(skipHostnameCheck && { checkServerIdentity: () => undefined }) };
}
