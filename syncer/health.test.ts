import test from 'ava';
import { createHealth } from './health.js';

test('ok after a good pass; failing after a failure or a refused commit; stale once no pass has succeeded for staleAfterMs', (t) => {
  let now = 1_000_000;
  const health = createHealth({ staleAfterMs: 90_000, now: () => now });
  t.like(health.report(), { state: 'ok', message: 'no pass has succeeded since the start 0 ms ago' });
  now += 100_000;
  t.like(health.report(), { state: 'stale', sinceGoodMs: 100_000, message: 'no pass has finished; no pass has succeeded since the start 100 s ago' });
  health.passed({ refused: false });
  t.like(health.report(), { state: 'ok' });
  now += 30_000;
  health.failed('cannot list the refs of http://git/x.git: the git server at git did not answer within 30 s (--git-timeout)');
  t.like(health.report(), { state: 'failing', message: 'cannot list the refs of http://git/x.git: the git server at git did not answer within 30 s (--git-timeout); last good pass 30 s ago' });
  now += 150_000;
  t.like(health.report(now - 120_000), {
    state: 'stale',
    message: 'cannot list the refs of http://git/x.git: the git server at git did not answer within 30 s (--git-timeout); last good pass 3 min ago; a pass has been running for 2 min',
  });
  health.passed({ refused: true });
  t.like(health.report(), { state: 'failing', message: 'the last commit was refused (see helios sync status); last good pass 0 ms ago' });
});
