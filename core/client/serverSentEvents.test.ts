import test from 'ava';
import { serverSentEvents, type ServerSentEvent } from './serverSentEvents.js';

test('serverSentEvents: events split anywhere, comments skipped, data lines joined, the id kept', (t) => {
  const events: ServerSentEvent[] = [];
  const parse = serverSentEvents((e) => events.push(e));
  const text = 'retry: 1000\nevent: hello\ndata: {"index":1}\n\n: keepalive\n\nid: 7\r\nevent: change\r\ndata: a\r\ndata:b\r\n\r\ndata: plain\n\n';
  for (let i = 0; i < text.length; i += 3) parse(text.slice(i, i + 3));
  t.deepEqual(events, [
    { event: 'hello', data: '{"index":1}' },
    { event: 'change', data: 'a\nb', id: '7' },
    { event: 'message', data: 'plain', id: '7' },
  ]);
});
