import type { MuxStream, StreamError } from '../../core/channel/mux.js';
import { Channel } from '../../core/channel/frames.js';
import type { LogRecord, LogsOpen } from '../../core/index.js';
import type { Store } from '../store/store.js';
import type { AgentChannels } from './agentChannels.js';

/** How often a follower whose task was undeployed looks for the job's next version on the host (a rolling update). */
const NEXT_JOB_POLL_MS = 250;

export interface HostLogsOptions {
  channels: AgentChannels;
  store: Store;
  host: string;
  jobId: string;
  open: Omit<LogsOpen, 'kind' | 'jobId'>;
  /** Writes NDJSON text; `release` once it is passed on (the agent's window opens again then). */
  write(text: string, release: () => void): void;
  signal: AbortSignal;
}

const jobName = (jobId: string) => jobId.split(':')[0];
const record = (r: LogRecord) => `${JSON.stringify(r)}\n`;

/**
 * The logs of one host's task as NDJSON records (core/schema/channel.ts LogRecord), from a stream on
 * its agent's channel. Following, an undeployed task hands over to the next job of the same name
 * deployed on the host (a rolling update: the new container's lines follow the old one's). Resolves
 * when the host's lines are all sent, failed (an `error` record) or `signal` ended it.
 */
export async function hostLogs(o: HostLogsOptions): Promise<void> {
  let jobId = o.jobId;
  let open = o.open;
  while (!o.signal.aborted) {
    let error: StreamError | undefined;
    try {
      error = await streamOnce(o, jobId, open);
    } catch (err) {
      error = { code: (err as { code?: string }).code ?? 'INTERNAL_ERROR', message: (err as Error).message };
    }
    if (o.signal.aborted) return;
    if (error?.code === 'JOB_NOT_DEPLOYED' && open.follow) {
      const next = await nextJob(o, jobId);
      if (next === undefined) return;
      jobId = next;
      // The next job's container is new: all of its lines follow.
      open = { ...open, tail: undefined, since: undefined };
      continue;
    }
    o.write(record(error ? { host: o.host, event: 'error', code: error.code, message: error.message } : { host: o.host, event: 'end' }), () => {});
    return;
  }
}

/** One stream of one job's logs; resolves with why it ended (undefined: all sent). */
function streamOnce(o: HostLogsOptions, jobId: string, open: HostLogsOptions['open']): Promise<StreamError | undefined> {
  const stream: MuxStream = o.channels.get(o.host).open({ kind: 'logs', jobId, ...open } satisfies LogsOpen as unknown as Record<string, unknown>);
  const prefix = [`{"host":${JSON.stringify(o.host)},"stream":"stdout","time":"`, `{"host":${JSON.stringify(o.host)},"stream":"stderr","time":"`];
  const partial = ['', ''];
  stream.onData((channel, data, release) => {
    const which = channel === Channel.STDERR ? 1 : 0;
    const text = partial[which] + data.toString('utf8');
    const lines = text.split('\n');
    partial[which] = lines.pop()!;
    let out = '';
    for (const line of lines) {
      // `docker logs --timestamps`: "2026-12-04T18:00:00.123456789Z text"
      const space = line.indexOf(' ');
      out += `${prefix[which]}${line.slice(0, space)}","line":${JSON.stringify(line.slice(space + 1))}}\n`;
    }
    if (out) o.write(out, release);
    else release();
  });
  stream.on('message', (body: { container?: string }) => {
    if (typeof body.container === 'string') o.write(record({ host: o.host, event: 'container', jobId, containerId: body.container }), () => {});
  });
  // The agent has sent every line: this side has nothing to send, so the stream closes.
  stream.once('end', () => stream.end());
  const abort = () => stream.close();
  o.signal.addEventListener('abort', abort, { once: true });
  return new Promise((resolve) => stream.once('close', (error?: StreamError) => {
    o.signal.removeEventListener('abort', abort);
    resolve(error);
  }));
}

/** The next job of `jobId`'s name deployed on the host (the same one deployed again counts), once there is one. */
async function nextJob(o: HostLogsOptions, jobId: string): Promise<string | undefined> {
  // A pause first, also before asking for the same job again: the agent's desired set may lag the master's.
  while (!await pause(o.signal, NEXT_JOB_POLL_MS)) {
    const deployed = (await o.store.deployments.ofHost(o.host)).map((d) => d.jobId);
    const next = deployed.find((id) => id !== jobId && jobName(id) === jobName(jobId)) ?? deployed.find((id) => id === jobId);
    if (next !== undefined) return next;
  }
  return undefined;
}

/** Waits `ms`; true when `signal` ended it first. */
function pause(signal: AbortSignal, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(false), ms);
    const aborted = () => done(true);
    function done(value: boolean) { clearTimeout(timer); signal.removeEventListener('abort', aborted); resolve(value); }
    if (signal.aborted) done(true);
    else signal.addEventListener('abort', aborted, { once: true });
  });
}
