import test from 'ava';
import { parseLimitFlags } from './limitFlags.js';

test('limit flags become MasterLimits; the ones not given are left to the defaults', (t) => {
  t.deepEqual(parseLimitFlags({ 'headers-timeout': '5s', 'request-timeout': '2m', 'idle-timeout': '500ms', 'max-conns': '200', 'max-blocking-per-token': '7', 'pattern-timeout': '250ms' }), {
    headersTimeoutMs: 5000, requestTimeoutMs: 120_000, idleTimeoutMs: 500, maxConnections: 200,
    maxConnectionsPerClient: undefined, maxBlockingPerClient: undefined, maxBlockingPerToken: 7, patternTimeoutMs: 250,
  });
});

test('a bad limit flag is refused naming the flag', (t) => {
  t.throws(() => parseLimitFlags({ 'max-conns': '0' }), { message: '--max-conns "0": it must be more than 0' });
  t.throws(() => parseLimitFlags({ 'max-conns-per-client': '1.5' }), { message: '--max-conns-per-client "1.5": give a whole number' });
  t.throws(() => parseLimitFlags({ 'idle-timeout': 'soon' }), { message: '--idle-timeout: expected a duration like 500ms, 30s, 5m or 1h, got "soon"' });
  t.throws(() => parseLimitFlags({ 'headers-timeout': '0s' }), { message: '--headers-timeout "0s": it must be more than 0' });
  t.throws(() => parseLimitFlags({ 'headers-timeout': '2m' }), { message: '--headers-timeout (120s) must not be longer than --request-timeout (60s)' });
});
