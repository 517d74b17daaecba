import test from 'ava';
import { defaultRestartPolicy, isFlapping, restartDecision } from './restartPolicy.js';

test('a normal exit restarts after about a second', (t) => {
  t.deepEqual(restartDecision('START', { kind: 'exit', runsMs: [5_000] }), { restart: true, delayMs: 1_000, throttle: 'NO' });
});

test('ten exits whose run times add up to under 60 s are FLAPPING, 30 s between restarts', (t) => {
  const runs = Array.from({ length: 10 }, () => 5_000);
  t.true(isFlapping(runs, defaultRestartPolicy));
  t.deepEqual(restartDecision('START', { kind: 'exit', runsMs: runs }), { restart: true, delayMs: 30_000, throttle: 'FLAPPING' });
});

test('nine quick exits, or ten adding up to 60 s or more, are not flapping', (t) => {
  t.false(isFlapping(Array.from({ length: 9 }, () => 10), defaultRestartPolicy));
  t.false(isFlapping([...Array.from({ length: 9 }, () => 100), 60_000], defaultRestartPolicy));
  // Only the last ten count: an old long run does not hide recent flapping.
  t.true(isFlapping([600_000, ...Array.from({ length: 10 }, () => 100)], defaultRestartPolicy));
});

test('image throttles use the reference delays', (t) => {
  t.deepEqual(restartDecision('START', { kind: 'imageMissing' }), { restart: true, delayMs: 120_000, throttle: 'IMAGE_MISSING' });
  t.deepEqual(restartDecision('START', { kind: 'imagePullFailed' }), { restart: true, delayMs: 30_000, throttle: 'IMAGE_PULL_FAILED' });
});

test('failures to create or start back off from 1 s doubling to 30 s', (t) => {
  const delays = [1, 2, 3, 6, 10].map((n) => restartDecision('START', { kind: 'failure', consecutive: n }).delayMs);
  t.deepEqual(delays, [1_000, 2_000, 4_000, 30_000, 30_000]);
});

test('nothing restarts unless the goal is START', (t) => {
  t.false(restartDecision('STOP', { kind: 'exit', runsMs: [1] }).restart);
  t.false(restartDecision('UNDEPLOY', { kind: 'imageMissing' }).restart);
});

test('a failing stop or remove (goal STOP or UNDEPLOY) is retried with the failure backoff, never in a tight loop', (t) => {
  t.deepEqual([1, 3, 10].map((n) => restartDecision('STOP', { kind: 'failure', consecutive: n })),
    [1_000, 4_000, 30_000].map((delayMs) => ({ restart: false, delayMs, throttle: 'NO' })));
  t.is(restartDecision('UNDEPLOY', { kind: 'failure', consecutive: 2 }).delayMs, 2_000);
});

test('thresholds can be given', (t) => {
  const o = { ...defaultRestartPolicy, flapExits: 3, flappingDelayMs: 500 };
  t.deepEqual(restartDecision('START', { kind: 'exit', runsMs: [1, 1, 1] }, o), { restart: true, delayMs: 500, throttle: 'FLAPPING' });
});
