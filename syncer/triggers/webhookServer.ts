import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { bodyHasher, checkHeaders, sameSecret, signatureMatches, single, type WebhookProvider } from './webhookAuth.js';
import { decide, deliveryIds } from './webhookEvents.js';
import { createRecentKeys } from './recentKeys.js';

export interface WebhookLimits {
  /** Webhook calls served at once; more get 503 and Retry-After. */
  maxConcurrent: number;
  /** Open sockets (idle or not); more are dropped by the kernel-facing server. */
  maxConnections: number;
  /** Push payloads are small; anything bigger is refused while streaming. */
  maxBodyBytes: number;
  /** A whole request, headers and body, must arrive within this. */
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  /** Delivery ids and body digests remembered to refuse replays. */
  recentDeliveries: number;
  /** At most one `onRejected` call per this many ms (a flood adds one log line a second). */
  rejectionReportMs: number;
}

export const defaultWebhookLimits: WebhookLimits = {
  maxConcurrent: 8, maxConnections: 64, maxBodyBytes: 1024 * 1024, requestTimeoutMs: 30_000, headersTimeoutMs: 5_000,
  recentDeliveries: 1000, rejectionReportMs: 1000,
};

export interface WebhookHealth {
  /** ok and failing answer 200; stale (no pass has succeeded for a while) 503. See health.ts. */
  state: 'ok' | 'failing' | 'stale';
  /** Shown only to a caller that sends the secret (`Authorization: Bearer <secret>`). */
  detail: Record<string, unknown>;
}

export interface WebhookServerOptions {
  host: string;
  port: number;
  secret: string;
  /** The followed branch: only a push to `refs/heads/<branch>` triggers. */
  branch: string;
  /** Called for every verified push to the branch; it should only signal (the reactor does the work). */
  onPush(provider: WebhookProvider): void;
  /** What `GET /healthz` says. */
  health?: () => WebhookHealth;
  /** Told about refused calls, at most once per `rejectionReportMs`, with how many were not told since. */
  onRejected?: (reason: string, suppressed: number) => void;
  limits?: Partial<WebhookLimits>;
}

export interface WebhookServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

type Reply = (status: number, body: Record<string, unknown>, headers?: http.OutgoingHttpHeaders) => void;
/** Answers a refused call; `reason` is what the rejection report says (never the URL). */
type Refuse = (status: number, reason: string, body: Record<string, unknown>, headers?: http.OutgoingHttpHeaders) => void;

/**
 * `POST /webhook` starts a sync on a verified push to the followed branch: GitHub's
 * `X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body>` or GitLab's `X-Gitlab-Token: <secret>`,
 * both compared in constant time. Nothing is buffered before the headers vouch for the call: a wrong
 * GitLab token or a missing or malformed GitHub signature gets 401 and the socket is closed unread; a
 * GitHub body is hashed as it streams, up to `maxBodyBytes`. A delivery seen before (its id, or its
 * very body) is answered "already seen" without a pass. `GET /healthz` says ok, failing or stale
 * (503), and more to a caller with the secret.
 * @example
 *   const hook = await startWebhookServer({ host: '127.0.0.1', port: 0, secret, branch: 'main', onPush: () => reactor.signal() });
 */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const limits = { ...defaultWebhookLimits, ...options.limits };
  const recent = createRecentKeys(limits.recentDeliveries);
  const reportRejection = rateLimited(limits.rejectionReportMs, options.onRejected);
  let inFlight = 0;

  const server = http.createServer({
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: limits.headersTimeoutMs,
    // Node checks the two timeouts above only this often (30 s by default).
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
  }, (req, res) => {
    const reply: Reply = (status, body, headers = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    // Refused calls are not read further: the answer, then the socket closed under what is still coming.
    const refuse: Refuse = (status, reason, body, headers = {}) => {
      reportRejection(reason);
      reply(status, body, { ...headers, Connection: 'close' });
      res.once('finish', () => req.socket.destroy());
    };
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) return healthz(req, reply, refuse, options);
    if (path !== '/webhook') return refuse(404, 'no such path', { status: 'NOT_FOUND', message: 'POST /webhook or GET /healthz' });
    if (req.method !== 'POST') return refuse(405, 'not a POST', { status: 'METHOD_NOT_ALLOWED', message: 'POST /webhook' });
    if (inFlight >= limits.maxConcurrent) {
      return refuse(503, 'too many at once', { status: 'UNAVAILABLE', message: `more than ${limits.maxConcurrent} webhook calls at once; retry later` }, { 'Retry-After': '5' });
    }
    const signed = checkHeaders(req.headers, options.secret);
    if ('refused' in signed) return refuse(401, signed.refused, unauthorized(signed.refused));
    if (Number(req.headers['content-length'] ?? 0) > limits.maxBodyBytes) return refuse(413, 'body too large', tooLarge(limits.maxBodyBytes));

    inFlight++;
    res.once('close', () => { inFlight--; });
    const hasher = bodyHasher(signed.provider, options.secret);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (res.headersSent) return;
      size += chunk.length;
      if (size > limits.maxBodyBytes) return refuse(413, 'body too large', tooLarge(limits.maxBodyBytes));
      hasher.update(chunk);
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      const digest = hasher.digest();
      if (signed.provider === 'github' && !signatureMatches(signed.signature, digest)) return refuse(401, 'bad signature', unauthorized('bad signature'));
      // A delivery id is not signed, so a replay may come with a new one: its body digest repeats too.
      if (recent.seen([...deliveryIds(signed.provider, req.headers), `body:${digest.toString('hex')}`])) {
        return reply(200, { status: 'ignored', reason: 'delivery already seen' });
      }
      const decision = decide(signed.provider, req.headers, Buffer.concat(chunks), options.branch);
      if (!decision.pass) return reply(decision.status, { status: decision.status === 400 ? 'INVALID_REQUEST' : 'ignored', reason: decision.reason });
      reply(202, { status: 'accepted' });
      options.onPush(signed.provider);
    });
    req.on('error', () => res.destroy());
  });
  server.maxConnections = limits.maxConnections;
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

/**
 * ok, failing or stale (503) for anyone, a load balancer or a liveness probe; what is wrong (the
 * failure, which names the git server or the master, the source, the commit) only with the secret (L9):
 * the server may listen on 0.0.0.0, and those are a map of the inside for whoever asks.
 */
function healthz(req: http.IncomingMessage, reply: Reply, refuse: Refuse, options: WebhookServerOptions): void {
  const health = options.health?.() ?? { state: 'ok', detail: {} };
  const status = health.state;
  const code = status === 'stale' ? 503 : 200;
  const auth = single(req.headers.authorization);
  if (auth === undefined) return reply(code, { status });
  const bearer = /^Bearer\s+(.+)$/i.exec(auth.trim());
  if (!bearer || !sameSecret(bearer[1], options.secret)) {
    return refuse(401, 'wrong healthz secret', { status: 'UNAUTHORIZED', message: 'GET /healthz answers details to Authorization: Bearer <webhook secret> only' });
  }
  reply(code, { status, ...health.detail });
}

const unauthorized = (reason: string) => ({ status: 'UNAUTHORIZED', message: 'missing or wrong X-Hub-Signature-256 / X-Gitlab-Token', reason });
const tooLarge = (max: number) => ({ status: 'PAYLOAD_TOO_LARGE', message: `body over ${max} bytes` });

/** Calls `report` at most once per `ms`, passing how many calls it swallowed since the last one. */
function rateLimited(ms: number, report: ((reason: string, suppressed: number) => void) | undefined) {
  let last = -Infinity;
  let suppressed = 0;
  return (reason: string) => {
    const now = Date.now();
    if (now - last < ms) { suppressed++; return; }
    last = now;
    report?.(reason, suppressed);
    suppressed = 0;
  };
}
