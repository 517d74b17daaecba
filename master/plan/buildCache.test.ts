import test from 'ava';
import { buildJob, isHeliosError, type SyncJob } from '../../core/index.js';
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

test('a source keeps only its last pass; past maxEntries the least recently synced source is dropped', (t) => {
  const cache = createBuildCache({ maxEntries: 3 });
  const run = (source: string, names: string[]) => {
    const pass = cache.pass(source);
    const jobs = names.map((name) => pass.build(`jobs/${name}.yaml`, spec({ name })));
    pass.done();
    return jobs;
  };
  const [a] = run('s1', ['a', 'b']);
  run('s1', ['a']);
  t.is(cache.size(), 1, 'b left with its file');
  run('s2', ['c', 'd']);
  t.is(cache.size(), 3);
  run('s3', ['e']);
  t.is(cache.size(), 3, 's1, synced longest ago, is dropped');
  t.not(run('s1', ['a'])[0], a, 'built again after being dropped');
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
