import test from 'ava';
import { heartbeatDelayMs, retryDelayMs } from './jitter.js';

test('heartbeats come at 80-100 % of the interval, never later', (t) => {
  t.is(heartbeatDelayMs(5_000, () => 0), 5_000);
  t.is(heartbeatDelayMs(5_000, () => 0.999_999), 4_000);
  const drawn = Array.from({ length: 200 }, () => heartbeatDelayMs(5_000));
  t.true(drawn.every((ms) => ms >= 4_000 && ms <= 5_000));
  t.true(new Set(drawn).size > 50, 'a fleet of agents does not heartbeat in lockstep');
});

test('a retry waits between half and all of its backoff step', (t) => {
  t.is(retryDelayMs(2_000, () => 0), 1_000);
  t.is(retryDelayMs(2_000, () => 0.999_999), 2_000);
  const drawn = Array.from({ length: 200 }, () => retryDelayMs(2_000));
  t.true(drawn.every((ms) => ms >= 1_000 && ms <= 2_000));
  t.true(new Set(drawn).size > 50, 'agents retrying after a master restart spread out');
});
