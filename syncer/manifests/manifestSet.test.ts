import test from 'ava';
import { BlobTooLargeError } from '../errors.js';
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
  const read = async (oid: string, _maxBytes: number) => {
    reads.push(oid);
    return new TextEncoder().encode(blobs.get(oid));
  };
  return { reads, read };
}

test('only job files are read, and only when their blob changed', async (t) => {
  const set = createManifestSet();
  const r = reader();
  await set.update({ changed: [{ path: 'jobs/web.yaml', oid: 'o1', mode: '100644' }, { path: 'jobs/README.md', oid: 'readme', mode: '100644' }, { path: 'jobs/api.yml', oid: 'o3', mode: '100644' }], removed: [] }, r.read);
  t.deepEqual(r.reads, ['o1', 'o3']);
  const d1 = set.desired('jobs');
  t.deepEqual(d1.jobs.map((j) => [j.file, j.spec.name, j.hosts, j.goal]), [['jobs/api.yml', 'api', [], 'START'], ['jobs/web.yaml', 'web', ['h1'], 'START']]);
  t.deepEqual(d1.errors, []);

  r.reads.length = 0;
  await set.update({ changed: [{ path: 'jobs/web.yaml', oid: 'o1', mode: '100644' }], removed: ['jobs/api.yml'] }, r.read);
  t.deepEqual(r.reads, [], 'same oid: not read again');
  t.deepEqual(set.desired('jobs').jobs.map((j) => j.file), ['jobs/web.yaml']);
});

test('an invalid file and a duplicate job name both become errors with file and line; the duplicate is left out', async (t) => {
  const set = createManifestSet();
  await set.update({ changed: [{ path: 'jobs/a.yaml', oid: 'o1', mode: '100644' }, { path: 'jobs/b.yaml', oid: 'o2', mode: '100644' }, { path: 'jobs/c.yaml', oid: 'bad', mode: '100644' }], removed: [] }, reader().read);
  const { errors, jobs } = set.desired('jobs');
  t.deepEqual(errors, [
    { file: 'jobs/b.yaml', line: 1, message: 'job name web is also used by jobs/a.yaml; one file per job name' },
    { file: 'jobs/c.yaml', line: 1, message: 'image: is required' },
  ]);
  t.deepEqual(jobs.map((j) => j.file), ['jobs/a.yaml']);
});

test('a failed blob read changes nothing', async (t) => {
  const set = createManifestSet();
  await set.update({ changed: [{ path: 'jobs/a.yaml', oid: 'o1', mode: '100644' }], removed: [] }, reader().read);
  await t.throwsAsync(set.update({ changed: [{ path: 'jobs/b.yaml', oid: 'o3', mode: '100644' }, { path: 'jobs/c.yaml', oid: 'gone', mode: '100644' }], removed: ['jobs/a.yaml'] },
    async (oid) => {
      if (oid === 'gone') throw new Error('object missing');
      return new TextEncoder().encode(blobs.get(oid));
    }));
  t.deepEqual(set.desired('jobs').jobs.map((j) => j.file), ['jobs/a.yaml']);
});

test('a symlink or a submodule where a job file or folder could be is an error naming it; a linked README is ignored', async (t) => {
  const set = createManifestSet();
  const reads: Array<[string, number]> = [];
  const read = async (oid: string, maxBytes: number) => {
    reads.push([oid, maxBytes]);
    return new TextEncoder().encode(oid === 'link' ? '../templates/web.yaml' : blobs.get(oid));
  };
  await set.update({ changed: [
    { path: 'jobs/web.yaml', oid: 'link', mode: '120000' },
    { path: 'jobs/team-b', oid: 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00', mode: '160000' },
    { path: 'jobs/README.md', oid: 'link', mode: '120000' },
    { path: 'jobs/api.yml', oid: 'o3', mode: '100644' },
  ], removed: [] }, read);
  t.deepEqual(set.desired('jobs').errors, [
    { file: 'jobs/team-b', line: 1, message: 'submodules are not supported: jobs/team-b is a submodule (commit c0ffee00c0ff); commit its job files into this repository, or keep it out of this folder' },
    { file: 'jobs/web.yaml', line: 1, message: 'symlinks are not supported: jobs/web.yaml is a symlink to ../templates/web.yaml; commit the file itself, or keep the link out of this folder' },
  ]);
  t.deepEqual(reads, [['link', 4096], ['o3', 1024 * 1024]], 'a link target is read with a small cap, a job file with --max-file-bytes; a submodule not at all');
  reads.length = 0;
  await set.update({ changed: [{ path: 'jobs/web.yaml', oid: 'link', mode: '100644' }], removed: [] }, read);
  t.deepEqual(reads, [['link', 1024 * 1024]], 'the same blob as a file (another mode) is read again');
});

test('a blob over --max-file-bytes by its header is the file\'s error; a commit past what a request carries keeps no job', async (t) => {
  const set = createManifestSet({ maxFileBytes: 1024, maxJobBytes: 1024, maxSyncBytes: 100 });
  const read = async (oid: string, maxBytes: number) => {
    if (oid === 'huge') throw new BlobTooLargeError({ oid, size: 50_000_000, maxBytes });
    return new TextEncoder().encode(blobs.get(oid));
  };
  await set.update({ changed: [{ path: 'jobs/big.yaml', oid: 'huge', mode: '100644' }, { path: 'jobs/web.yaml', oid: 'o1', mode: '100644' }], removed: [] }, read);
  const { jobs, errors } = set.desired('jobs');
  t.deepEqual(errors.map((e) => `${e.file}: ${e.message}`), [
    'jobs: the job files come to 167 bytes as JSON, over the 100-byte limit for a sync request (--max-sync-bytes): split them over several sources (--path)',
    'jobs/big.yaml: file is 50000000 bytes, over the 1024-byte limit for a job file (--max-file-bytes)',
  ]);
  t.deepEqual(jobs, []);
});
