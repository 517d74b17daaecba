/**
 * A small JSON-over-HTTP client on node:http with a keep-alive agent and no socket cap: benchmarks hold
 * a thousand long-polls at once, and undici's fetch costs more CPU per request on a 2-core machine.
 * Speaks the same paths and headers as core/client (Helios-Version, Helios-Owner).
 */
import http from 'node:http';
import { HELIOS_VERSION } from '../../core/version.js';

export interface JsonClientOptions {
  baseUrl: string;
  owner?: string;
  /** Per-request timeout in ms (default 30 s). */
  timeoutMs?: number;
}

const FREE_SOCKET_MS = 5_000;

export class HttpStatusError extends Error {
  constructor(readonly statusCode: number, readonly body: string, method: string, path: string) {
    super(`${method} ${path} answered HTTP ${statusCode}: ${body.slice(0, 300)}`);
  }
}

/**
 * @example
 *   const api = createJsonClient({ baseUrl: 'http://127.0.0.1:5801' });
 *   const jobs = await api.request<Record<string, unknown>>('GET', '/jobs');
 */
export function createJsonClient(options: JsonClientOptions) {
  const url = new URL(options.baseUrl);
  // An idle socket is closed by this side first, after 5 s or a second before the server's Keep-Alive
  // hint (node's global agent does the same): one the master closes as idle (--idle-timeout) while a
  // request is being sent on it fails with ECONNRESET, which the soak's simulated agents met.
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 4096, timeout: FREE_SOCKET_MS });
  const headers = { 'Helios-Version': HELIOS_VERSION, 'Helios-Owner': options.owner ?? 'cli' };

  /** JSON in and out: the body serialized, the answer parsed (its text when it is not JSON). */
  async function request<T>(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<T> {
    const text = await requestText(method, path, body === undefined ? undefined : JSON.stringify(body), timeoutMs);
    try {
      return (text ? JSON.parse(text) : undefined) as T;
    } catch {
      return text as T;
    }
  }

  /** A body serialized already (so a benchmark can time the request without it), the answer as text. */
  function requestText(method: string, path: string, payload?: string, timeoutMs = options.timeoutMs ?? 30_000): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const req = http.request({
        host: url.hostname, port: url.port, method, path, agent,
        headers: payload === undefined ? headers : { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) },
        timeout: timeoutMs,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) >= 400) reject(new HttpStatusError(res.statusCode ?? 0, text, method, path));
          else resolve(text);
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out after ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  return { request, requestText, close: () => agent.destroy() };
}
export type JsonClient = ReturnType<typeof createJsonClient>;

/** Encodes one path segment (job ids contain ':'). */
export const seg = (value: string) => encodeURIComponent(value);
