import type { FetchLike } from '../core/client/transport.js';

/**
 * The client's requests over node:http(s) instead of the global fetch: undici costs 100–250 ms to
 * load on its first call here, more than the rest of a command. Errors keep fetch's shape (a
 * TypeError whose `cause` has the socket error's `code`; the signal's reason on abort), so the
 * client still says "cannot reach the master … connection refused".
 */
export const httpFetch: FetchLike = async (url, init) => {
  const { request } = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  const headers = init.body === undefined ? init.headers : { ...init.headers, 'Content-Length': String(Buffer.byteLength(init.body)) };
  return new Promise((resolve, reject) => {
    const fail = (err: unknown) => reject(init.signal.aborted ? init.signal.reason : new TypeError('fetch failed', { cause: err }));
    const req = request(url, { method: init.method, headers, signal: init.signal }, (res) => {
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
