import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LogsOpen } from '../../core/index.js';
import type { MuxStream } from '../../core/channel/mux.js';
import { Channel } from '../../core/channel/frames.js';
import type { DockerStreams } from '../docker/dockerStreams.js';
import { createDemux } from '../docker/demux.js';
import type { ObservedContainer } from '../docker/dockerAdapter.js';

/** How often a follower waits for its task's container to run again (a restart), or to be gone for good. */
const WAIT_MS = 200;
/** A DATA frame's worth of lines (core/channel/mux.ts splits anything larger). */
const BATCH_BYTES = 64 * 1024;

export interface LogsDeps {
  streams: DockerStreams;
  /** This agent's containers of the job. */
  containers(jobId: string): Promise<ObservedContainer[]>;
  /** Whether the job is in this agent's desired set. */
  desired(jobId: string): boolean;
}

/** The running container of the job, else its newest. */
const pick = (list: ObservedContainer[]) => list.find((c) => c.running) ?? [...list].sort((a, b) => b.created - a.created)[0];

/** RFC 3339 with nanoseconds as seconds since the epoch, for Docker's `since`. */
const seconds = (time: string) => `${Math.floor(Date.parse(time) / 1000)}.${(/\.(\d+)/.exec(time)?.[1] ?? '0').padEnd(9, '0')}`;

/**
 * Serves a master's logs stream: `docker logs --timestamps` of the task's container, lines as they
 * are, each DATA frame whole lines of one stream. Following, it goes on when the container stops and
 * runs again (a restart: same or new container), from the last line sent on (Docker's timestamps are
 * of fixed width, so a later line compares greater), and ends with JOB_NOT_DEPLOYED once the task
 * has left this agent. The engine is read no faster than the master takes the lines.
 */
export async function serveLogs(stream: MuxStream, open: LogsOpen, d: LogsDeps): Promise<void> {
  let last = '';
  let shown: string | undefined;
  let tail = open.tail;
  while (!stream.closed) {
    const container = pick(await d.containers(open.jobId));
    if (!container) {
      if (!open.follow) return stream.close({ code: 'CONTAINER_NOT_FOUND', message: `job ${open.jobId} has no container on this host` });
      if (!d.desired(open.jobId)) return stream.close({ code: 'JOB_NOT_DEPLOYED', message: `job ${open.jobId} is not deployed on this host` });
      await sleep(WAIT_MS);
      continue;
    }
    if (container.id !== shown) stream.message({ container: shown = container.id });
    const since = last ? Number(seconds(last)) : open.since === undefined ? undefined : open.since / 1000;
    const res = await d.streams.logs(container.id, { follow: open.follow, stdout: open.stdout, stderr: open.stderr, tail, since });
    last = await pump(res, stream, last);
    tail = undefined;
    if (!open.follow) return stream.end();
    // Followed to its stop: wait until it (or its replacement) runs, or the task is gone.
    for (;;) {
      if (stream.closed) return;
      const list = await d.containers(open.jobId);
      if (list.some((c) => c.running)) break;
      if (!d.desired(open.jobId)) {
        await stream.drained(); // a close would drop the lines still held
        return stream.close({ code: 'JOB_NOT_DEPLOYED', message: `job ${open.jobId} was undeployed from this host` });
      }
      await sleep(WAIT_MS);
    }
  }
}

/** Passes the lines of one `docker logs` answer on, newer than `last`; resolves with the last one's time. */
function pump(res: IncomingMessage, stream: MuxStream, last: string): Promise<string> {
  const partial: Record<number, string> = { [Channel.STDOUT]: '', [Channel.STDERR]: '' };
  // Consecutive lines of one channel go in one DATA frame, sent once the engine's chunks of this turn
  // of the event loop are read (or at 64 KiB), not one each: the engine sends a chunk per log entry, and
  // a socket write per line cost more than all the rest (a CPU profile of 200,000 lines). The order of
  // the two channels' lines is kept.
  let batch = '';
  let scheduled: NodeJS.Immediate | undefined;
  let batchChannel: number = Channel.STDOUT;
  let paused = false;
  const resume = () => { paused = false; res.resume(); };
  const flush = () => {
    clearImmediate(scheduled);
    scheduled = undefined;
    if (!batch) return;
    const ok = stream.write(batchChannel, Buffer.from(batch));
    batch = '';
    if (!ok && !paused) {
      paused = true;
      res.pause();
      stream.once('drain', resume);
    }
  };
  const demux = createDemux((which, payload) => {
    const channel = which === Channel.STDERR ? Channel.STDERR : Channel.STDOUT;
    const lines = (partial[channel] + payload.toString('utf8')).split('\n');
    partial[channel] = lines.pop()!;
    for (const line of lines) {
      const time = line.slice(0, line.indexOf(' '));
      if (time <= last) continue; // sent before a restart
      last = time;
      if (channel !== batchChannel) flush();
      batchChannel = channel;
      batch += `${line}\n`;
    }
  });
  const onData = (chunk: Buffer) => {
    demux.push(chunk);
    if (batch.length >= BATCH_BYTES) flush();
    else scheduled ??= setImmediate(flush);
  };
  return new Promise((resolve) => {
    const stop = () => res.destroy();
    stream.once('close', stop);
    res.on('data', onData);
    res.once('error', () => {});
    res.once('close', () => {
      flush();
      stream.off('close', stop);
      stream.off('drain', resume);
      resolve(last);
    });
  });
}
