import test from 'ava';
import { createReactor, PassTimeoutError } from './reactor.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('after a failed pass the next comes after the delay retryMs picks for that failure, never later than resyncMs', async (t) => {
  const runs = { transient: 0, needsAPerson: 0, capped: 0 };
  const failing = (kind: keyof typeof runs, resyncMs: number) => createReactor({
    resyncMs,
    retryMs: (err) => ((err as Error).message === 'transient' ? 20 : 60_000),
    run: async () => { runs[kind]++; throw new Error(kind); },
  });
  const reactors = [failing('transient', 60_000), failing('needsAPerson', 60_000), failing('capped', 50)];
  t.teardown(() => Promise.all(reactors.map((r) => r.stop())).then(() => undefined));
  await sleep(400);
  t.true(runs.transient >= 4, `a transient failure is retried soon (${runs.transient} runs)`);
  t.is(runs.needsAPerson, 1, 'a failure that needs a person waits for its delay');
  t.true(runs.capped >= 3, `the delay is capped by resyncMs (${runs.capped} runs)`);
});

test('a pass past its deadline is aborted and counts as failed then; later passes run, and the failures count in a row', async (t) => {
  const seen: Array<{ aborted: boolean; reason?: string }> = [];
  const failuresSeen: number[] = [];
  let hang = true;
  const reactor = createReactor({
    resyncMs: 60_000,
    passTimeoutMs: 100,
    retryMs: (_err, failures) => { failuresSeen.push(failures); return 10; },
    // A pass that ignores nothing but its signal: it waits for ever while hang is set.
    run: (signal) => new Promise<string>((resolve) => {
      const entry: { aborted: boolean; reason?: string } = { aborted: false };
      seen.push(entry);
      signal.addEventListener('abort', () => { entry.aborted = true; entry.reason = (signal.reason as Error).message; });
      if (!hang) resolve('done');
    }),
  });
  t.teardown(() => reactor.stop());
  const err = await t.throwsAsync(reactor.next(), { instanceOf: PassTimeoutError });
  t.is(err?.message, 'the sync pass did not finish within 100 ms (--pass-timeout)');
  await sleep(400);
  hang = false;
  // Generous: the retries come 10 ms after each 100 ms deadline; under load they may lag.
  const result = await reactor.next();
  t.is(result, 'done');
  t.true(seen.length >= 3, `${seen.length} passes`);
  t.true(seen.slice(0, -1).every((s) => s.aborted && s.reason === 'the sync pass did not finish within 100 ms (--pass-timeout)'));
  t.deepEqual(failuresSeen.slice(0, 3), [1, 2, 3], 'each failure in a row counts one more');
});

test('stop aborts the running pass and does not wait past its grace for one that ignores its signal', async (t) => {
  let aborted = false;
  const reactor = createReactor({ resyncMs: 60_000, stopGraceMs: 100, run: (signal) => new Promise<void>(() => { signal.addEventListener('abort', () => { aborted = true; }); }) });
  await sleep(50);
  t.truthy(reactor.runningSince);
  await reactor.stop();
  t.true(aborted);
});
