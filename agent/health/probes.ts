import { request } from 'node:http';
import { connect, isIP } from 'node:net';

export interface ProbeResult { ok: boolean; message: string }

const CONNECT_TIMEOUT_MS = 500;
const RESPONSE_TIMEOUT_MS = 5_000;

/** GET http://host:port/path; healthy on 200–399. Connect timeout 500 ms, as Helios. */
export function httpProbe(host: string, port: number, path: string): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const url = `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}${path.startsWith('/') ? path : `/${path}`}`;
    const req = request(url, { method: 'GET', timeout: RESPONSE_TIMEOUT_MS, headers: { 'User-Agent': 'helios-agent' } }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve({ ok: code >= 200 && code < 400, message: `GET ${url} answered ${code}` });
    });
    const connectTimer = setTimeout(() => req.destroy(new Error(`connect timed out after ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
    req.on('socket', (socket) => socket.once('connect', () => clearTimeout(connectTimer)));
    req.on('timeout', () => req.destroy(new Error(`no answer within ${RESPONSE_TIMEOUT_MS} ms`)));
    req.on('error', (err) => { clearTimeout(connectTimer); resolve({ ok: false, message: `GET ${url}: ${err.message}` }); });
    req.on('close', () => clearTimeout(connectTimer));
    req.end();
  });
}

/** Healthy when a TCP connection opens within 500 ms. */
export function tcpProbe(host: string, port: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: CONNECT_TIMEOUT_MS });
    const done = (ok: boolean, message: string) => { socket.destroy(); resolve({ ok, message }); };
    socket.once('connect', () => done(true, `connected to ${host}:${port}`));
    socket.once('timeout', () => done(false, `connect to ${host}:${port} timed out`));
    socket.once('error', (err) => done(false, `connect to ${host}:${port}: ${err.message}`));
  });
}
