import type { FastifyInstance } from 'fastify';
import { createLogThrottle } from './limits/logThrottle.js';

/** Long enough for every path of the API with its query; a longer URL says nothing more. */
const URL_MAX = 200;

/**
 * The URL as logged: a job's `?token=` (whoever presents it may change or remove the job) is
 * replaced by REDACTED, however its name is encoded, and the whole is cut to URL_MAX characters.
 */
function loggedUrl(url: string): string {
  const q = url.indexOf('?');
  let shown = url;
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  if (query.has('token')) {
    query.set('token', 'REDACTED');
    shown = `${url.slice(0, q)}?${query}`;
  }
  return shown.length > URL_MAX ? `${shown.slice(0, URL_MAX)}…` : shown;
}

/**
 * One line per request (fastify's own request logging is off). Routine successful reads log at debug.
 * Refusals a flood is made of log at most once a second per client address, the next line counting
 * the ones left out (`suppressed`): 401s without their URL (anyone can send them, with a URL of up to
 * 16 KB), 429s with it cut. Every other URL is cut to 200 characters, a job's token left out.
 */
export function installRequestLog(app: FastifyInstance): void {
  const refusals = createLogThrottle();
  app.addHook('onResponse', async (request, reply) => {
    const { method, url } = request;
    const statusCode = reply.statusCode;
    const ms = Math.round(reply.elapsedTime * 10) / 10;
    if (statusCode === 401 || statusCode === 429) {
      const logged = refusals.take(`${statusCode} ${request.ip}`);
      if (!logged) return;
      if (statusCode === 401) request.log.info({ method, statusCode, ip: request.ip, suppressed: logged.suppressed }, 'unauthenticated request');
      else request.log.info({ method, url: loggedUrl(url), statusCode, ip: request.ip, suppressed: logged.suppressed }, 'request refused: too many');
      return;
    }
    const fields = { method, url: loggedUrl(url), statusCode, ms };
    if (isRoutine(method, url, statusCode)) request.log.debug(fields, 'request');
    else request.log.info(fields, 'request');
  });
}

/**
 * Agents heartbeat and long-poll all the time, and `helios watch` or solo poll statuses: those
 * successful reads log at debug, so the info log is one line per change (or failure) made by someone.
 */
function isRoutine(method: string, url: string, statusCode: number): boolean {
  // An agent refused on /agents/* retries for ever: CLUSTER_MISMATCH warns once a minute per host
  // (routes/clusterGuard.ts), HOST_ID_MISMATCH shows in the PUT /hosts of the agent registering again.
  if (statusCode === 409 && url.startsWith('/agents/')) return true;
  return statusCode < 400 && (method === 'GET' || url.startsWith('/agents/') || url.startsWith('/jobs/statuses') || url.startsWith('/hosts/statuses'));
}
