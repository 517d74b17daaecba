import test from 'ava';
import { HeliosError } from '../core/errors/HeliosError.js';
import type { FetchLike } from '../core/client/transport.js';
import { createMasterFetch } from './masterFetch.js';

const refused = () => new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
const ok = { ok: true, status: 200, text: async () => '"0.1.0"' };
const explain = (master: string) => new HeliosError('MASTER_UNREACHABLE', `cannot reach the master at ${master}: connection refused`);

/** A fetch that refuses the masters in `down` and records every URL it was given. */
function fakeSend(down: Set<string>): { send: FetchLike; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    send: async (url) => {
      asked.push(url.href);
      if (down.has(url.origin)) throw refused();
      return ok;
    },
  };
}

const init = () => ({ method: 'GET', headers: {}, signal: new AbortController().signal });

test('each request goes to the master that last answered; the path and query follow, whatever each master\'s form', async (t) => {
  // An SRV record of port 80 gives http://m1:80, which URL writes without the port.
  const down = new Set(['http://m1']);
  const { send, asked } = fakeSend(down);
  const fetch = createMasterFetch({ masters: ['http://M1:80', 'http://m2:5801/helios/'], send, httpTimeoutMs: 1_000, retryTimeoutMs: 0, explain });
  await fetch(new URL('http://m1/jobs/web%3A1?q=a&q=b'), init());
  await fetch(new URL('http://m1/hosts'), init());
  t.deepEqual(asked, ['http://m1/jobs/web%3A1?q=a&q=b', 'http://m2:5801/helios/jobs/web%3A1?q=a&q=b', 'http://m2:5801/helios/hosts']);
});

test('when none answers: one master\'s own error, or one naming each of several', async (t) => {
  const one = createMasterFetch({ masters: ['http://a:1'], send: fakeSend(new Set(['http://a:1'])).send, httpTimeoutMs: 1_000, retryTimeoutMs: 0, explain });
  await t.throwsAsync(one(new URL('http://a:1/jobs'), init()), { instanceOf: TypeError });
  const two = createMasterFetch({ masters: ['http://a:1', 'http://b:2'], send: fakeSend(new Set(['http://a:1', 'http://b:2'])).send,
    httpTimeoutMs: 1_000, retryTimeoutMs: 0, explain });
  await t.throwsAsync(two(new URL('http://a:1/jobs'), init()), {
    message: 'no master of http://a:1, http://b:2 answers: cannot reach the master at http://a:1: connection refused; cannot reach the master at http://b:2: connection refused',
  });
});

test('a failure that may have reached a master (a POST that timed out) is not sent again', async (t) => {
  const asked: string[] = [];
  const send: FetchLike = async (url) => {
    asked.push(url.href);
    throw Object.assign(new Error('timed out'), { name: 'TimeoutError' });
  };
  const fetch = createMasterFetch({ masters: ['http://a:1', 'http://b:2'], send, httpTimeoutMs: 1_000, retryTimeoutMs: 5_000, explain });
  await t.throwsAsync(fetch(new URL('http://a:1/jobs'), { ...init(), method: 'POST' }), { instanceOf: HeliosError });
  t.deepEqual(asked, ['http://a:1/jobs']);
});
