import test from 'ava';
import { parseDuration } from './duration.js';

test('durations take ms, s, m, h and d; a bare number is seconds', (t) => {
  t.deepEqual(['500ms', '10s', '1.5m', '2h', '14d', '3', ' 30s '].map((d) => parseDuration(d, '--x')), [500, 10_000, 90_000, 7_200_000, 1_209_600_000, 3000, 30_000]);
});

test('a malformed duration names the flag and the value', (t) => {
  for (const bad of ['soon', '', '-1s', '5 s', '1w']) {
    t.throws(() => parseDuration(bad, '--interval'), { message: `--interval: expected a duration like 500ms, 30s, 5m or 1h, got "${bad}"` });
  }
});
