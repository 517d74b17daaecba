import test from 'ava';
import { DEFAULT_ROLLOUT_OPTIONS, effectiveRolloutOptions, rolloutOptionsErrors } from './rolloutOptions.js';

test('nothing given: Helios defaults (timeout 300, parallelism 1, no migrate, overlap, token or ignoreFailures), ours (minHealthySeconds 0, no autoRevert)', (t) => {
  t.deepEqual(effectiveRolloutOptions(undefined, undefined), {
    timeout: 300, parallelism: 1, migrate: false, overlap: false, token: '', ignoreFailures: false, minHealthySeconds: 0, autoRevert: false,
  });
  t.deepEqual(effectiveRolloutOptions({}, {}), DEFAULT_ROLLOUT_OPTIONS);
});

test('field by field: the request, else the job, else the default', (t) => {
  t.deepEqual(effectiveRolloutOptions({ parallelism: 2, token: 'req' }, { parallelism: 3, overlap: true, timeout: 60, token: 'job' }), {
    timeout: 60, parallelism: 2, migrate: false, overlap: true, token: 'req', ignoreFailures: false, minHealthySeconds: 0, autoRevert: false,
  });
  t.like(effectiveRolloutOptions({ minHealthySeconds: 5 }, { autoRevert: true }), { minHealthySeconds: 5, autoRevert: true });
});

test('a false or empty value given is kept, not replaced by the fallback', (t) => {
  const merged = effectiveRolloutOptions({ overlap: false, token: '' }, { overlap: true, token: 'job', migrate: true });
  t.false(merged.overlap);
  t.is(merged.token, '');
  t.true(merged.migrate);
});

test('the defaults cannot be changed through the result', (t) => {
  const merged = effectiveRolloutOptions(undefined, undefined);
  merged.parallelism = 9;
  t.is(DEFAULT_ROLLOUT_OPTIONS.parallelism, 1);
  t.true(Object.isFrozen(DEFAULT_ROLLOUT_OPTIONS));
});

test("null, what Helios' client writes for unset, falls back as absent does", (t) => {
  const requested = { parallelism: null, token: null } as unknown as Parameters<typeof effectiveRolloutOptions>[0];
  t.like(effectiveRolloutOptions(requested, { parallelism: 4 }), { parallelism: 4, token: '' });
});

test('range checks name the field', (t) => {
  t.deepEqual(rolloutOptionsErrors('rolloutOptions', { timeout: 0, parallelism: 0, minHealthySeconds: -1 }), [
    { path: 'rolloutOptions.timeout', message: 'must be 1 or more (seconds per step)' },
    { path: 'rolloutOptions.parallelism', message: 'must be 1 or more' },
    { path: 'rolloutOptions.minHealthySeconds', message: 'must be 0 or more (seconds)' },
  ]);
  t.deepEqual(rolloutOptionsErrors('rolloutOptions', { timeout: 1, parallelism: 1, minHealthySeconds: 0 }), []);
});
