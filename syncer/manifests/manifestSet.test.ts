import test from 'ava';
import { createManifestSet } from './manifestSet.js';

const blobs = new Map<string, string>([
  ['o1', 'name: web\nversion: "1"\nimage: busybox:latest\ndeploy: { hosts: [h1] }\n'],
  ['o2', 'name: web\nversion: "1"\nimage: busybox:1\n'],
  ['o3', 'name: api\nversion: "1"\nimage: busybox:latest\n'],
  ['bad', 'name: x\nversion: "1"\n'],
  ['readme', '# not a job'],
]);

function reader() {
  const reads: string[] = [];
  const read = async (oid: string) => {
    reads.push(oid);
    return new TextEncoder().encode(blobs.get(oid));
  };
  return { reads, read };
}

test('only job files are read, and only when their blob changed', async (t) => {
  const set = createManifestSet();
  const r = reader();
  await set.update({ changed: [{ path: 'jobs/web.yaml', oid: 'o1' }, { path: 'jobs/README.md', oid: 'readme' }, { path: 'jobs/api.yml', oid: 'o3' }], removed: [] }, r.read);
  t.deepEqual(r.reads, ['o1', 'o3']);
  const d1 = set.desired();
  t.deepEqual(d1.jobs.map((j) => [j.file, j.spec.name, j.hosts, j.goal]), [['jobs/api.yml', 'api', [], 'START'], ['jobs/web.yaml', 'web', ['h1'], 'START']]);
  t.deepEqual(d1.errors, []);

  r.reads.length = 0;
  await set.update({ changed: [{ path: 'jobs/web.yaml', oid: 'o1' }], removed: ['jobs/api.yml'] }, r.read);
  t.deepEqual(r.reads, [], 'same oid: not read again');
  t.deepEqual(set.desired().jobs.map((j) => j.file), ['jobs/web.yaml']);
});

test('an invalid file and a duplicate job name both become errors with file and line; the duplicate is left out', async (t) => {
  const set = createManifestSet();
  await set.update({ changed: [{ path: 'jobs/a.yaml', oid: 'o1' }, { path: 'jobs/b.yaml', oid: 'o2' }, { path: 'jobs/c.yaml', oid: 'bad' }], removed: [] }, reader().read);
  const { errors, jobs } = set.desired();
  t.deepEqual(errors, [
    { file: 'jobs/b.yaml', line: 1, message: 'job name web is also used by jobs/a.yaml; one file per job name' },
    { file: 'jobs/c.yaml', line: 1, message: 'image: is required' },
  ]);
  t.deepEqual(jobs.map((j) => j.file), ['jobs/a.yaml']);
});

test('a failed blob read changes nothing', async (t) => {
  const set = createManifestSet();
  await set.update({ changed: [{ path: 'jobs/a.yaml', oid: 'o1' }], removed: [] }, reader().read);
  await t.throwsAsync(set.update({ changed: [{ path: 'jobs/b.yaml', oid: 'o3' }, { path: 'jobs/c.yaml', oid: 'gone' }], removed: ['jobs/a.yaml'] },
    async (oid) => {
      if (oid === 'gone') throw new Error('object missing');
      return new TextEncoder().encode(blobs.get(oid));
    }));
  t.deepEqual(set.desired().jobs.map((j) => j.file), ['jobs/a.yaml']);
});
