import test from 'ava';
import { buildJob, isHeliosError, jobBytes, type SyncJob } from '../../core/index.js';
import { createBuildCache } from './buildCache.js';

const opts = { now: Date.parse('2030-01-01T00:00:00Z') };
const spec = (over: Record<string, unknown> = {}) => ({ name: 'web', version: '1', image: 'busybox:latest', env: { A: '1' }, ...over });

test('an unchanged spec in the next pass gives the very same built job, equal to buildJob\'s', (t) => {
  const cache = createBuildCache();
  const first = cache.pass('s');
  const a = first.build('jobs/web.yaml', spec());
  first.done();
  t.deepEqual(a, buildJob(spec(), opts).job);
  const second = cache.pass('s');
  t.is(second.build('jobs/web.yaml', spec()), a);
  t.is(second.build('jobs/web.yaml', { ...spec() }), a, 'a copy with the same JSON text hits too');
  second.done();
  t.is(cache.size(), 1);
});

test('a changed spec in the same file is built again and gets its own id', (t) => {
  const cache = createBuildCache();
  const p1 = cache.pass('s');
  const a = p1.build('jobs/web.yaml', spec());
  p1.done();
  const p2 = cache.pass('s');
  const b = p2.build('jobs/web.yaml', spec({ env: { A: '2' } }));
  p2.done();
  t.not(a.id, b.id);
  t.is(b.id, buildJob(spec({ env: { A: '2' } }), opts).job.id);
  const p3 = cache.pass('s');
  t.is(p3.build('jobs/web.yaml', spec({ env: { A: '2' } })), b);
  t.not(p3.build('jobs/web.yaml', spec()), b, 'changed back');
  t.is(p3.build('jobs/other.yaml', spec({ env: { A: '2' } })).id, b.id, 'another file with the same spec: built, same id');
});

test('a job whose expires has passed is built, cached or not: the sync decides what expiry means', (t) => {
  const cache = createBuildCache();
  const expired = spec({ expires: '2000-06-01T00:00:00Z' });
  const p1 = cache.pass('s');
  const job = p1.build('jobs/web.yaml', expired);
  t.is(job.expires, '2000-06-01T00:00:00.000Z');
  p1.done();
  t.is(cache.pass('s').build('jobs/web.yaml', expired), job);
});

test('invalid specs throw every time and are not kept', (t) => {
  const cache = createBuildCache();
  for (let i = 0; i < 2; i++) {
    const pass = cache.pass('s');
    const err = t.throws(() => pass.build('jobs/web.yaml', spec({ image: 'Bad Image' })));
    t.true(isHeliosError(err, 'INVALID_JOB_DEFINITION'));
    pass.done();
  }
  t.is(cache.size(), 0);
});

test('a source keeps only its last pass; past maxBytes the least recently synced source is dropped', (t) => {
  const bytes = jobBytes(spec({ name: 'a' }));
  const cache = createBuildCache({ maxBytes: 3 * bytes });
  const run = (source: string, names: string[]) => {
    const pass = cache.pass(source);
    const jobs = names.map((name) => pass.build(`jobs/${name}.yaml`, spec({ name })));
    pass.done();
    return jobs;
  };
  const [a] = run('s1', ['a', 'b']);
  run('s1', ['a']);
  t.deepEqual([cache.size(), cache.bytes()], [1, bytes], 'b left with its file');
  run('s2', ['c', 'd']);
  t.deepEqual([cache.size(), cache.bytes()], [3, 3 * bytes]);
  run('s3', ['e']);
  t.deepEqual([cache.size(), cache.bytes()], [3, 3 * bytes], 's1, synced longest ago, is dropped');
  t.not(run('s1', ['a'])[0], a, 'built again after being dropped');
});

test('one pass larger than maxBytes keeps the files that fit and builds the others each time', (t) => {
  const bytes = jobBytes(spec({ name: 'a' }));
  const cache = createBuildCache({ maxBytes: 2 * bytes });
  const names = ['a', 'b', 'c', 'd'];
  const p1 = cache.pass('s');
  const first = names.map((name) => p1.build(`jobs/${name}.yaml`, spec({ name })));
  p1.done();
  t.deepEqual([cache.size(), cache.bytes()], [2, 2 * bytes]);
  const p2 = cache.pass('s');
  const second = names.map((name) => p2.build(`jobs/${name}.yaml`, spec({ name })));
  t.deepEqual(second.map((job, i) => job === first[i]), [true, true, false, false]);
  t.deepEqual(second, first, 'built again, equal');
});

test('invalid entries kept for recall count in the bytes, and are bounded like valid ones', (t) => {
  const bad = (name: string) => spec({ name, image: '' });
  const bytes = jobBytes(bad('a'));
  const cache = createBuildCache({ maxBytes: 2 * bytes });
  const pass = cache.pass('s');
  for (const name of ['a', 'b', 'c']) {
    const entry = { file: `jobs/${name}.yaml`, digest: name, spec: bad(name), hosts: [], goal: 'START' } as SyncJob;
    t.throws(() => pass.build(entry.file, entry.spec, entry));
  }
  pass.done();
  t.deepEqual([cache.size(), cache.bytes()], [2, 2 * bytes]);
  const next = cache.pass('s');
  t.deepEqual(['a', 'b', 'c'].map((name) => next.recall(`jobs/${name}.yaml`, name) !== undefined), [true, true, false]);
});

test('a spec over maxJobBytes is refused naming --max-job-bytes, and not kept even with its entry', (t) => {
  const cache = createBuildCache({ maxJobBytes: 1024 });
  const big = spec({ metadata: { padding: 'x'.repeat(2000) } });
  const entry = { file: 'jobs/web.yaml', digest: 'd1', spec: big, hosts: ['h1'], goal: 'START' } as SyncJob;
  const pass = cache.pass('s');
  const err: unknown = t.throws(() => pass.build(entry.file, big, entry));
  if (!isHeliosError(err, 'PAYLOAD_TOO_LARGE')) return t.fail(`not PAYLOAD_TOO_LARGE: ${String(err)}`);
  t.is(err.message, "the job is 2 KiB as JSON, over the master's --max-job-bytes (1 KiB)");
  t.like(err.data, { limit: '--max-job-bytes', bytes: jobBytes(big), maxBytes: 1024 });
  pass.done();
  t.deepEqual([cache.size(), cache.bytes()], [0, 0]);
  t.is(cache.pass('s').recall('jobs/web.yaml', 'd1'), undefined);
});

test('a spec nested too deeply to serialize is an invalid job, not a crash', (t) => {
  let deep: Record<string, unknown> = {};
  for (let i = 0; i < 20_000; i++) deep = { x: deep };
  const err: unknown = t.throws(() => createBuildCache().pass('s').build('jobs/deep.json', spec({ metadata: deep })));
  t.true(isHeliosError(err, 'INVALID_JOB_DEFINITION'), String(err));
});

test('an entry given with its digest is recalled by the next pass under that digest only, invalid ones too', (t) => {
  const cache = createBuildCache();
  // The spec as the request carries it: not yet known to be a valid job.
  const entry = (file: string, digest: string, s: Record<string, unknown>) => ({ file, digest, spec: s, hosts: ['h1'], goal: 'START' }) as SyncJob;
  const good = entry('jobs/web.yaml', 'd1', spec());
  const bad = entry('jobs/bad.yaml', 'd2', spec({ name: 'bad', image: '' }));
  const p1 = cache.pass('s');
  const job = p1.build(good.file, good.spec, good);
  t.throws(() => p1.build(bad.file, bad.spec, bad));
  p1.done();

  const p2 = cache.pass('s');
  t.is(p2.recall('jobs/web.yaml', 'd1'), good);
  t.is(p2.recall('jobs/bad.yaml', 'd2'), bad, 'an invalid entry is recalled, to be refused again');
  t.is(p2.recall('jobs/web.yaml', 'd0'), undefined, 'another digest');
  t.is(cache.pass('other').recall('jobs/web.yaml', 'd1'), undefined, 'another source');
  t.is(p2.build(good.file, good.spec, good), job, 'the recalled spec hits without a comparison');
  t.throws(() => p2.build(bad.file, bad.spec, bad));
  p2.done();
  t.is(cache.pass('s').recall('jobs/bad.yaml', 'd2'), bad, 'kept across passes while it is sent');
});
