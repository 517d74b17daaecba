import test from 'ava';
import { WebSocketServer, WebSocket } from 'ws';
import { Mux, WINDOW, type MuxStream } from './mux.js';
import { Channel } from './frames.js';

/** Two muxes over a real WebSocket on 127.0.0.1. */
async function pair(onOpen: (stream: MuxStream) => void): Promise<{ opener: Mux; close: () => void }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as { port: number }).port}`);
  client.once('open', () => new Mux(client as never, { parity: 0, onOpen }));
  const opener = new Mux(await accepted as never, { parity: 1 });
  await new Promise((resolve) => client.once('open', resolve));
  return { opener, close: () => { client.terminate(); wss.close(); } };
}

test('a stream whose reader holds its bytes stops its writer at the window; another stream of the socket flows on', async (t) => {
  const held: Array<() => void> = [];
  const received = { slow: 0, fast: 0 };
  let fastDone!: () => void;
  const fastAll = new Promise<void>((resolve) => { fastDone = resolve; });
  const { opener, close } = await pair((stream) => {
    const which = stream.header.name as 'slow' | 'fast';
    stream.onData((_channel, data, release) => {
      received[which] += data.length;
      if (which === 'slow') held.push(release);
      else release();
      if (which === 'fast' && received.fast === 4 * WINDOW) fastDone();
    });
  });
  t.teardown(close);
  const slow = opener.open({ name: 'slow' });
  const fast = opener.open({ name: 'fast' });
  const chunk = Buffer.alloc(16 * 1024, 1);
  let accepted = 0;
  while (slow.write(Channel.STDOUT, chunk)) accepted += chunk.length;
  t.true(accepted <= WINDOW, `the writer was stopped after ${accepted} bytes`);
  for (let sent = 0; sent < 4 * WINDOW; sent += chunk.length) {
    if (!fast.write(Channel.STDOUT, chunk)) await new Promise((resolve) => fast.once('drain', resolve));
  }
  await fastAll;
  t.is(received.fast, 4 * WINDOW);
  t.true(received.slow <= WINDOW, `the slow reader holds ${received.slow} bytes, at most the window`);
  // Once the reader passes its bytes on, the writer may go on.
  const drained = new Promise((resolve) => slow.once('drain', resolve));
  for (const release of held.splice(0)) release();
  await drained;
  t.pass();
});

test('end on both sides closes the stream after the data; a closed socket closes every stream with AGENT_NOT_CONNECTED', async (t) => {
  let got = '';
  const { opener, close } = await pair((stream) => {
    stream.onData((_channel, data, release) => { got += data.toString(); release(); });
    stream.on('end', () => { stream.message({ got }); stream.end(); });
  });
  const stream = opener.open({});
  const answer = new Promise((resolve) => stream.once('message', resolve));
  const closed = new Promise((resolve) => stream.once('close', resolve));
  stream.write(Channel.STDIN, Buffer.from('hello'));
  stream.end();
  t.deepEqual(await answer, { got: 'hello' });
  t.is(await closed, undefined);
  const other = opener.open({});
  const lost = new Promise((resolve) => other.once('close', resolve));
  close();
  t.like(await lost, { code: 'AGENT_NOT_CONNECTED' });
});
