import type { LogRecord } from '../core/schema/channel.js';
import { HeliosError } from '../core/errors/HeliosError.js';
import { parseDuration } from '../core/model/duration.js';
import type { MasterConnection } from './command.js';

/** What `GET /jobs/:id/logs` is asked for (master/README.md, Logs and exec). */
export interface LogsRequest {
  /** The hosts to read; none: every host the job is deployed on. */
  hosts?: readonly string[];
  follow?: boolean;
  /** Only the last N lines of each host (of both streams, as docker logs). */
  tail?: number;
  /** Only lines from this time on, ms since the epoch. */
  since?: number;
  /** Only one of the container's streams; none: both. */
  stream?: 'stdout' | 'stderr';
}

function logsQuery(r: LogsRequest): string {
  const q = new URLSearchParams();
  for (const host of r.hosts ?? []) q.append('host', host);
  if (r.follow) q.set('follow', 'true');
  if (r.tail !== undefined) q.set('tail', String(r.tail));
  if (r.since !== undefined) q.set('since', String(Math.round(r.since)));
  if (r.stream) q.set('stream', r.stream);
  return q.size > 0 ? `?${q}` : '';
}

/**
 * A time for `since` given as text: a duration ago (10m, 1h, 30s; a bare number is seconds), or an
 * ISO 8601 time. `what` names the option in the error.
 */
export function sinceMs(text: string, what: string): number {
  if (/^\d+(\.\d+)?(ms|s|m|h|d)?$/.test(text)) return Date.now() - parseDuration(text, what);
  const time = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(time)) throw new HeliosError('INVALID_ARGUMENT', `${what}: expected a duration like 10m or 1h, or an ISO 8601 time, got '${text}'`);
  return time;
}

/**
 * The job's logs as the master sends them (core/schema/channel.ts LogRecord), a batch of records per
 * chunk read (one write each for the CLI). Read as the caller takes them: a slow reader slows the
 * master's stream, and so the agents'. Ends quietly when `signal` aborts; ending the iteration early
 * (a `break`) closes the request. A master that closes the answer before its end is MASTER_UNREACHABLE.
 */
export async function* readLogs(connection: MasterConnection, jobId: string, request: LogsRequest, signal: AbortSignal): AsyncGenerator<LogRecord[], void, undefined> {
  const { openMasterStream } = await import('./masterStream.js');
  const res = await openMasterStream(connection, `/jobs/${encodeURIComponent(jobId)}/logs${logsQuery(request)}`, signal);
  let partial = '';
  let failure: unknown;
  try {
    res.setEncoding('utf8');
    for await (const chunk of res as AsyncIterable<string>) {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      if (lines.length > 0) yield lines.map((line) => JSON.parse(line) as LogRecord);
    }
  } catch (err) {
    failure = err;
  } finally {
    res.destroy();
  }
  if (signal.aborted) return;
  if (failure !== undefined || !res.complete) throw new HeliosError('MASTER_UNREACHABLE', 'the master closed the logs stream before it ended', {}, { cause: failure });
}
