import test from 'ava';
import { parseSizeFlags, sizeUsage } from './sizeFlags.js';
import { parseFlags, usage } from '../flags.js';
import type { StartOptions } from '../server.js';

test('size flags take bytes or binary units and become MasterLimits; the others keep their defaults', (t) => {
  t.deepEqual(parseSizeFlags({ 'max-job-bytes': '64KiB', 'max-sync-bytes': '8MiB', 'max-concurrent-syncs': '2', 'max-page-bytes': '4096' }), {
    maxBodyBytes: undefined, maxSyncBytes: 8 * 1024 ** 2, maxJobBytes: 64 * 1024, maxConcurrentSyncs: 2,
    maxSyncCacheBytes: undefined, maxPageBytes: 4096,
  });
  t.is(parseSizeFlags({ 'max-sync-cache-bytes': '1g' }).maxSyncCacheBytes, 1024 ** 3);
  const parsed = parseFlags(['--max-job-bytes', '100KiB', '--max-concurrent-syncs', '9'], { HELIOS_HOME: '/h' }) as StartOptions;
  t.like(parsed.limits, { maxJobBytes: 100 * 1024, maxConcurrentSyncs: 9, headersTimeoutMs: undefined });
});

test('a bad size flag is refused naming the flag', (t) => {
  t.throws(() => parseSizeFlags({ 'max-job-bytes': 'big' }), { message: '--max-job-bytes "big": give a size in bytes, e.g. 262144, 256KiB or 64MiB' });
  t.throws(() => parseSizeFlags({ 'max-sync-bytes': '0' }), { message: '--max-sync-bytes "0": it must be more than 0' });
  t.throws(() => parseSizeFlags({ 'max-concurrent-syncs': '0' }), { message: '--max-concurrent-syncs "0": give a whole number more than 0' });
  t.throws(() => parseSizeFlags({ 'max-job-bytes': '2MiB' }),
    { message: '--max-job-bytes (2 MiB) must not be more than --max-body-bytes (1 MiB): the job would never fit in the request' });
  t.throws(() => parseSizeFlags({ 'max-job-bytes': '512KiB', 'max-body-bytes': '1MiB', 'max-sync-bytes': '256KiB' }),
    { message: '--max-job-bytes (512 KiB) must not be more than --max-sync-bytes (256 KiB): the job would never fit in the request' });
});

test('helios-master --help lists every size flag with its default', (t) => {
  t.true(usage.includes(sizeUsage));
  for (const line of ['--max-body-bytes SIZE', '(default 1MiB)', '--max-sync-bytes SIZE', '(default 64MiB)', '--max-job-bytes SIZE', '(default 256KiB)',
    '--max-concurrent-syncs N', '(default 4)', '--max-sync-cache-bytes SIZE', '(default 128MiB)', '--max-page-bytes SIZE', '(default 4MiB)']) {
    t.true(sizeUsage.includes(line), line);
  }
});
