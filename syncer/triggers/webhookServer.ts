import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookServerOptions {
  host: string;
  port: number;
  secret: string;
  /** Called for every verified push; it should only signal (the reactor does the work). */
  onPush(provider: 'github' | 'gitlab'): void;
  /** Extra fields for `GET /healthz`. */
  health?: () => Record<string, unknown>;
  /** Told about rejected calls (not logged per request otherwise). */
  onRejected?: (reason: string) => void;
}

export interface WebhookServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Push payloads are small; anything bigger is not a webhook we want to hash. */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

/**
 * `POST /webhook` triggers a sync when signed: GitHub's `X-Hub-Signature-256: sha256=<HMAC-SHA256 of
 * the raw body>` or GitLab's `X-Gitlab-Token: <secret>`, both compared in constant time. Unsigned or
 * wrongly signed calls get 401 and do nothing; good ones get 202. `GET /healthz` answers 200.
 * @example
 *   const hook = await startWebhookServer({ host: '127.0.0.1', port: 0, secret, onPush: () => reactor.signal() });
 */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const server = http.createServer((req, res) => {
    const send = (status: number, body: Record<string, unknown>) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://webhook');
    if (url.pathname === '/healthz' && req.method === 'GET') return send(200, { status: 'ok', ...options.health?.() });
    if (url.pathname !== '/webhook') return send(404, { status: 'NOT_FOUND', message: 'POST /webhook or GET /healthz' });
    if (req.method !== 'POST') return send(405, { status: 'METHOD_NOT_ALLOWED', message: 'POST /webhook' });

    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        send(413, { status: 'PAYLOAD_TOO_LARGE', message: `body over ${MAX_BODY_BYTES} bytes` });
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      const provider = verify(req.headers, Buffer.concat(chunks), options.secret);
      if (!provider) {
        options.onRejected?.(req.headers['x-hub-signature-256'] || req.headers['x-gitlab-token'] ? 'bad signature' : 'unsigned');
        return send(401, { status: 'UNAUTHORIZED', message: 'missing or wrong X-Hub-Signature-256 / X-Gitlab-Token' });
      }
      send(202, { status: 'accepted' });
      options.onPush(provider);
    });
    req.on('error', () => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** Which provider signed the body correctly, or undefined. */
export function verify(headers: http.IncomingHttpHeaders, body: Buffer, secret: string): 'github' | 'gitlab' | undefined {
  const signature = single(headers['x-hub-signature-256']);
  if (signature !== undefined) {
    const match = /^sha256=([0-9a-f]{64})$/i.exec(signature.trim());
    if (!match) return undefined;
    const expected = createHmac('sha256', secret).update(body).digest();
    return timingSafeEqual(expected, Buffer.from(match[1], 'hex')) ? 'github' : undefined;
  }
  const token = single(headers['x-gitlab-token']);
  if (token !== undefined) {
    // Hash both sides so the comparison takes the same time whatever the token's length.
    const digest = (s: string) => createHash('sha256').update(s).digest();
    return timingSafeEqual(digest(token), digest(secret)) ? 'gitlab' : undefined;
  }
  return undefined;
}

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
