import type { FastifyRequest, FastifyReply } from 'fastify';
import { HeliosError, invalidRequest } from '../../core/index.js';
import { clientStatus, HELIOS_WIRE_VERSION } from './version.js';

export const VERSION_HEADER = 'helios-version';
export const VERSION_STATUS_HEADER = 'Helios-Version-Status';

/**
 * Helios' VersionResponseFilter, for requests from Helios clients: answers `Helios-Version-Status`
 * and Helios' server version, refuses a bogus version (400) and a client of another major version
 * (426), and marks the rest for Helios' wire format. Helios' client names its user in `?user=`; it
 * becomes `Helios-User` when that header is absent.
 *
 * A Helios client sends `Helios-Version` and never `Helios-Owner` (Helios has no owners). Our own
 * clients (core/client, bench/lib/http) send `Helios-Owner` on every request, and have always sent
 * `Helios-Version` too, with our own release (0.1.0), which is no Helios release: a request naming its
 * owner is ours and keeps the house style, whatever it says its version is.
 */
export async function versionFilter(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const header = request.headers[VERSION_HEADER];
  if (header === undefined || request.headers['helios-owner'] !== undefined) return;
  const version = Array.isArray(header) ? header[0] : header;
  const status = version === '' ? 'INVALID' : clientStatus(version);
  reply.header(VERSION_STATUS_HEADER, status).header('Helios-Server-Version', HELIOS_WIRE_VERSION);
  if (status === 'INVALID') {
    throw invalidRequest(`header Helios-Version: ${JSON.stringify(version.slice(0, 40))} is not a version (n.n.n or n.n.n-SNAPSHOT)`, { field: 'Helios-Version' });
  }
  if (status === 'INCOMPATIBLE') {
    throw new HeliosError('INCOMPATIBLE_CLIENT',
      `Helios client ${version} is incompatible with this master, which speaks Helios ${HELIOS_WIRE_VERSION}: use a 0.x client`,
      { clientVersion: version, serverVersion: HELIOS_WIRE_VERSION });
  }
  request.heliosWire = true;
  const user = (request.query as Record<string, unknown> | undefined)?.user;
  if (request.headers['helios-user'] === undefined && typeof user === 'string' && user !== '') request.headers['helios-user'] = user;
}
