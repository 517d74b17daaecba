import test from 'ava';
import { backoffDelay, withRetries } from './retry.js';

test('backoff doubles from its base up to its cap, half fixed and half random', (t) => {
  const backoff = { baseMs: 5_000, maxMs: 180_000 };
  t.deepEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, backoff, () => 0)), [2500, 5000, 10_000, 20_000, 40_000, 80_000, 90_000, 90_000]);
  t.deepEqual([1, 2, 7, 20].map((n) => backoffDelay(n, backoff, () => 1)), [5000, 10_000, 180_000, 180_000]);
});

test('withRetries retries what retryable allows, up to its attempts, and not past an aborted signal', async (t) => {
  let calls = 0;
  const retried: number[] = [];
  const value = await withRetries(async () => { if (++calls < 3) throw new Error('flaky'); return 'ok'; },
    { attempts: 3, baseMs: 1, maxMs: 2, retryable: () => true, onRetry: (_e, attempt) => retried.push(attempt) });
  t.is(value, 'ok');
  t.deepEqual(retried, [1, 2]);

  calls = 0;
  await t.throwsAsync(withRetries(async () => { calls++; throw new Error('auth'); }, { attempts: 5, baseMs: 1, maxMs: 2, retryable: () => false }), { message: 'auth' });
  t.is(calls, 1, 'a failure that is not retryable is thrown at once');

  calls = 0;
  const abort = new AbortController();
  const done = withRetries(async () => { calls++; throw new Error('down'); }, { attempts: 100, baseMs: 60_000, maxMs: 60_000, retryable: () => true, signal: abort.signal });
  setTimeout(() => abort.abort(new Error('deadline')), 50);
  await t.throwsAsync(done, { message: 'deadline' });
  t.is(calls, 1, 'the wait between attempts ends with the signal');
});
