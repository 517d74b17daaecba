import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';
import type { FastifyBaseLogger } from 'fastify';
import { HeliosError } from '../../core/index.js';
import type { MasterLimits } from '../options.js';
import { countedAddress } from './clientAddress.js';
import { createKeyedCounter } from './keyedCounter.js';
import { createLogThrottle } from './logThrottle.js';

/** A connection over its address's cap rarely waits long: one of the others ends within a request. */
const RETRY_AFTER_S = 2;

/**
 * Caps open connections: `maxConnections` in all (node drops the ones past it unanswered, before
 * reading a byte) and `maxConnectionsPerClient` per address (see clientAddress.ts), as Nomad's
 * `http_max_conns_per_client`. A plain-HTTP connection past its address's cap is answered
 * `429 TOO_MANY_REQUESTS` with Retry-After and closed, a TLS one just closed (no handshake yet to
 * answer through). Both are logged at most once a second per address.
 */
export function installConnectionLimits(server: Server, limits: Pick<MasterLimits, 'maxConnections' | 'maxConnectionsPerClient'>, log: FastifyBaseLogger): void {
  server.maxConnections = limits.maxConnections;
  const open = createKeyedCounter();
  const refusals = createLogThrottle();
  const tls = server instanceof TlsServer;

  server.on('drop', (data) => {
    const logged = refusals.take('all');
    if (logged) log.warn({ ip: data?.remoteAddress, limit: limits.maxConnections, suppressed: logged.suppressed }, 'connection dropped: the master holds --max-conns connections');
  });

  server.on('connection', (socket: Socket) => {
    const address = countedAddress(socket.remoteAddress);
    if (address === undefined) return;
    if (open.count(address) >= limits.maxConnectionsPerClient) {
      const logged = refusals.take(address);
      if (logged) log.warn({ ip: address, limit: limits.maxConnectionsPerClient, suppressed: logged.suppressed }, 'connection refused: too many from one address');
      refuse(socket, tls, limits.maxConnectionsPerClient);
      return;
    }
    open.add(address);
    socket.once('close', () => open.remove(address));
  });
}

function refuse(socket: Socket, tls: boolean, limit: number): void {
  if (tls) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(new HeliosError('TOO_MANY_REQUESTS',
    `this address holds ${limit} connections to the master already (--max-conns-per-client); close some or retry in ${RETRY_AFTER_S} s`,
    { retryAfter: RETRY_AFTER_S }).toBody());
  const head = `HTTP/1.1 429 Too Many Requests\r\nRetry-After: ${RETRY_AFTER_S}\r\nConnection: close\r\n`
    + `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  socket.end(head + body, () => socket.destroy());
}
