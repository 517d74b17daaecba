import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { HeliosError } from '../core/errors/HeliosError.js';
import type { MasterConnection } from './command.js';
import { readTls } from './connect.js';
import { HELIOS_VERSION } from '../core/version.js';
import { tlsConnectOptions } from '../core/client/httpFetch.js';

/** What a streaming request to the master sends besides its path: the CLI's identity and token. */
export function masterHeaders(connection: MasterConnection): Record<string, string> {
  return {
    'Helios-Version': HELIOS_VERSION,
    'Helios-Owner': 'cli',
    ...(connection.username && { 'Helios-User': connection.username }),
    ...(connection.authToken && { Authorization: `Bearer ${connection.authToken}` }),
  };
}

/**
 * A GET whose answer is read as it comes (logs), from the first of the cluster's masters that can be
 * reached (a refused or unroutable one is skipped, as masterFetch.ts does); an answer other than 200
 * is thrown as the master's error.
 */
export async function openMasterStream(connection: MasterConnection, pathAndQuery: string, signal: AbortSignal): Promise<IncomingMessage> {
  const [tls, { reachedNoMaster }, { errorFromResponse, noMasterAnswers }, { unreachable, reachHints }] = await Promise.all([
    readTls(connection.tls, connection.insecure), import('../core/client/failover.js'), import('../core/client/transport.js'), import('../core/client/unreachable.js')]);
  const failures = [];
  for (const master of connection.masters) {
    const url = new URL(master.replace(/\/+$/, '') + pathAndQuery);
    const { request } = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
    try {
      const res = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = request(url, { headers: masterHeaders(connection), signal, ...tlsConnectOptions(tls), timeout: connection.httpTimeoutMs }, resolve);
        req.once('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
        req.once('error', (err) => reject(new TypeError('fetch failed', { cause: err })));
        req.end();
      });
      res.socket.setTimeout(0);
      if (res.statusCode === 200) return res;
      throw await refusal(res, errorFromResponse);
    } catch (err) {
      if (signal.aborted || !(err instanceof TypeError) || !reachedNoMaster(err)) throw err instanceof TypeError ? unreachable(master, err, reachHints({}), tls?.cert !== undefined) : err;
      failures.push(unreachable(master, err, reachHints({}), tls?.cert !== undefined));
    }
  }
  throw failures.length === 1 ? failures[0] : noMasterAnswers(connection.masters, failures);
}

/** The master's error in a refused answer: its JSON body (or its text) read whole. */
async function refusal(res: IncomingMessage, errorFromResponse: (status: number, body: unknown, text: string) => HeliosError): Promise<HeliosError> {
  let text = '';
  res.setEncoding('utf8');
  for await (const chunk of res as AsyncIterable<string>) text += chunk;
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch { /* not JSON: the text is the message */ }
  return errorFromResponse(res.statusCode ?? 0, body, text);
}

/**
 * A WebSocket to the first of the cluster's masters that takes it (exec), with `attach` called on it
 * as it opens (the master may send at once: a listener added later would miss it). A master that
 * cannot be reached, or that has no channel to the host's agent (AGENT_NOT_CONNECTED: the agent may
 * be connected to another master only), is skipped; any other refusal is thrown as the master's error.
 */
export async function openMasterSocket(connection: MasterConnection, pathAndQuery: string, attach: (ws: WebSocket) => void): Promise<WebSocket> {
  const [tls, { WebSocket: Socket }, { errorFromResponse, noMasterAnswers }, errors] = await Promise.all([
    readTls(connection.tls, connection.insecure), import('ws'), import('../core/client/transport.js'), import('../core/errors/HeliosError.js')]);
  const failures: HeliosError[] = [];
  for (const master of connection.masters) {
    const url = `${master.replace(/\/+$/, '').replace(/^http/, 'ws')}${pathAndQuery}`;
    const ws = new Socket(url, { headers: masterHeaders(connection), ...tlsConnectOptions(tls), perMessageDeflate: false, handshakeTimeout: connection.httpTimeoutMs });
    const outcome = await new Promise<WebSocket | HeliosError>((resolve) => {
      ws.once('open', () => {
        attach(ws);
        resolve(ws);
      });
      ws.once('unexpected-response', (_req, res: IncomingMessage) => {
        void refusal(res, errorFromResponse).then(resolve, (err: Error) => resolve(new errors.HeliosError('MASTER_UNREACHABLE', `the master at ${master} refused the exec and went: ${err.message}`, { master }, { cause: err })));
      });
      ws.once('error', (err) => resolve(new errors.HeliosError('MASTER_UNREACHABLE', `cannot reach the master at ${master}: ${err.message}`, { master }, { cause: err })));
    });
    if (!(outcome instanceof errors.HeliosError)) return outcome;
    ws.terminate();
    if (outcome.code !== 'MASTER_UNREACHABLE' && outcome.code !== 'AGENT_NOT_CONNECTED') throw outcome;
    failures.push(outcome);
  }
  throw failures.length === 1 ? failures[0] : noMasterAnswers(connection.masters, failures);
}
