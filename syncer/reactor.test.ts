import test from 'ava';
import { createReactor } from './reactor.js';

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
