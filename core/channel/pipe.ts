import type { MuxStream, StreamError } from './mux.js';
import { drainQueue } from './drainQueue.js';

/**
 * Joins two streams of two channels (a client's exec and the agent's), both ways: data with each
 * side's flow control (bytes from one are released once the other has taken them), messages, ends,
 * and a close with its error.
 */
export function pipeStreams(a: MuxStream, b: MuxStream): void {
  forward(a, b);
  forward(b, a);
}

function forward(from: MuxStream, to: MuxStream): void {
  const whenDrained = drainQueue(to);
  from.onData((channel, data, release) => {
    if (to.write(channel, data)) release();
    else whenDrained(release);
  });
  from.on('message', (body: Record<string, unknown>) => to.message(body));
  // An end waits for the data held before it, a close drops it: a close without an error is passed on as an end.
  from.on('end', () => to.end());
  from.on('close', (error?: StreamError) => { if (error) to.close(error); else to.end(); });
}
