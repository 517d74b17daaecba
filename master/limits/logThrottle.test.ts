import test from 'ava';
import { createLogThrottle } from './logThrottle.js';

function throttled(options: Parameters<typeof createLogThrottle>[0] = {}) {
  let now = 0;
  const throttle = createLogThrottle({ ...options, clock: () => now });
  return { take: (key: string) => throttle.take(key), advance: (ms: number) => { now += ms; } };
}

test('one line per key a second, the next one counting those left out', (t) => {
  const th = throttled();
  t.deepEqual(th.take('a'), { suppressed: 0 });
  for (let i = 0; i < 500; i++) t.is(th.take('a'), null);
  t.deepEqual(th.take('b'), { suppressed: 0 }, 'another key has its own second');
  th.advance(999);
  t.is(th.take('a'), null);
  th.advance(1);
  t.deepEqual(th.take('a'), { suppressed: 501 });
  th.advance(1000);
  t.deepEqual(th.take('a'), { suppressed: 0 });
});

test('many keys together get at most maxPerInterval lines a second', (t) => {
  const th = throttled({ maxPerInterval: 3 });
  const logged = Array.from({ length: 10 }, (_, i) => th.take(`k${i}`)).filter((r) => r !== null);
  t.is(logged.length, 3);
  th.advance(1000);
  t.deepEqual(th.take('k5'), { suppressed: 1 }, 'k5 was left out by the total cap once');
});

test('past maxKeys the ended keys are forgotten and their counts go to the next line', (t) => {
  const th = throttled({ maxKeys: 4, maxPerInterval: 100 });
  for (const key of ['a', 'b', 'c', 'd']) {
    th.take(key);
    th.take(key);
  }
  th.advance(1000);
  t.deepEqual(th.take('e'), { suppressed: 0 }, 'nothing forgotten before this line');
  t.deepEqual(th.take('f'), { suppressed: 4 }, 'a-d forgotten to make room; their 4 left-out lines are told');
  for (let i = 0; i < 20; i++) th.take(`new${i}`);
  th.advance(1000);
  t.not(th.take('a'), null, 'memory stays bounded and lines still come');
});
