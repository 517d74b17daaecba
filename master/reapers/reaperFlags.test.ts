import test from 'ava';
import { parseReaperFlags, reaperUsage } from './reaperFlags.js';
import { resolveRetention } from './retention.js';

test('the reaper flags take durations with days; off and 0 turn host and source reaping off', (t) => {
  t.deepEqual(parseReaperFlags({}), { historyMs: undefined, hostReapAfterMs: undefined, sourceReapAfterMs: undefined });
  t.deepEqual(parseReaperFlags({ 'history-retention': '10m', 'host-reap-after': '2d', 'source-reap-after': '12h' }),
    { historyMs: 600_000, hostReapAfterMs: 172_800_000, sourceReapAfterMs: 43_200_000 });
  t.deepEqual(parseReaperFlags({ 'history-retention': '0', 'host-reap-after': 'off', 'source-reap-after': '0' }),
    { historyMs: 0, hostReapAfterMs: null, sourceReapAfterMs: null });
});

test('defaults: an hour of history, hosts DOWN for 14 days, sources unused for 7 days; the usage says so', (t) => {
  t.deepEqual(resolveRetention(parseReaperFlags({ 'host-reap-after': 'off' })), { historyMs: 3_600_000, hostReapAfterMs: null, sourceReapAfterMs: 604_800_000 });
  t.deepEqual(resolveRetention(), { historyMs: 3_600_000, hostReapAfterMs: 1_209_600_000, sourceReapAfterMs: 604_800_000 });
  t.regex(reaperUsage, /--history-retention DUR .*\n.*\(default 1h\)/);
  t.regex(reaperUsage, /--host-reap-after DUR\|off\n.*\n.*\(default 14d\)/);
  t.regex(reaperUsage, /--source-reap-after DUR\|off\n.*\n.*\(default 7d\)/);
});

test('a malformed value names its flag', (t) => {
  t.throws(() => parseReaperFlags({ 'host-reap-after': 'never' }), { message: '--host-reap-after: expected a duration like 500ms, 30s, 5m or 1h, got "never"' });
  t.throws(() => parseReaperFlags({ 'history-retention': 'off' }), { message: '--history-retention: expected a duration like 500ms, 30s, 5m or 1h, got "off"' });
});
