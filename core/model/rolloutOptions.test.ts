import test from 'ava';
import { DEFAULT_ROLLOUT_OPTIONS, effectiveRolloutOptions } from './rolloutOptions.js';

test('nothing given: Helios defaults (timeout 300, parallelism 1, no migrate, overlap, token or ignoreFailures)', (t) => {
  t.deepEqual(effectiveRolloutOptions(undefined, undefined), {
    timeout: 300, parallelism: 1, migrate: false, overlap: false, token: '', ignoreFailures: false,
  });
  t.deepEqual(effectiveRolloutOptions({}, {}), DEFAULT_ROLLOUT_OPTIONS);
});

test('field by field: the request, else the job, else the default', (t) => {
  t.deepEqual(effectiveRolloutOptions({ parallelism: 2, token: 'req' }, { parallelism: 3, overlap: true, timeout: 60, token: 'job' }), {
    timeout: 60, parallelism: 2, migrate: false, overlap: true, token: 'req', ignoreFailures: false,
  });
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
