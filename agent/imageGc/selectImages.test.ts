import test from 'ava';
import { repositoryOf, selectImages, type EngineImage, type GcInput } from './selectImages.js';

const NOW = 1_000_000_000;
const HOUR = 3_600_000;
const image = (id: string, tags: string[], created = 100): EngineImage => ({ id, tags, digests: [], created });

/** Everything unused for two hours, pulled by the agent in the order given (the last the newest). */
function input(images: EngineImage[], over: Partial<GcInput> = {}): GcInput {
  return {
    images,
    containerImageIds: new Set(),
    desiredImages: [],
    pulled: Object.fromEntries(images.map((i, n) => [i.id, { refs: i.tags, pulledAt: NOW - 10 * HOUR + n }])),
    lastUsed: new Map(images.map((i) => [i.id, NOW - 2 * HOUR])),
    now: NOW,
    graceMs: HOUR,
    keep: 0,
    all: false,
    ...over,
  };
}

const removedIds = (i: GcInput) => selectImages(i).remove.map((r) => r.id).sort();

test('an unused pulled image goes after the grace period, not before', (t) => {
  const images = [image('a', ['reg:5000/app:1'])];
  t.deepEqual(selectImages(input(images)).remove, [{ id: 'a', refs: ['reg:5000/app:1'], repository: 'reg:5000/app', unusedMs: 2 * HOUR }]);
  t.deepEqual(removedIds(input(images, { lastUsed: new Map([['a', NOW - HOUR + 1]]) })), [], 'unused for just under an hour');
  t.deepEqual(removedIds(input(images, { pulled: { a: { refs: ['reg:5000/app:1'], pulledAt: NOW - 60_000 } } })), [], 'pulled a minute ago, never used');
});

test('an image any container uses, or a desired task names, is kept and its clock reset', (t) => {
  const images = [image('a', ['reg:5000/app:1']), image('b', ['busybox:latest']), image('c', ['reg:5000/app:3'])];
  const i = input(images, { containerImageIds: new Set(['a']), desiredImages: ['docker.io/library/busybox'] });
  const selection = selectImages(i);
  t.deepEqual(selection.remove.map((r) => r.id), ['c']);
  t.is(selection.lastUsed.get('a'), NOW);
  t.is(selection.lastUsed.get('b'), NOW, 'busybox and docker.io/library/busybox:latest are one image');
  t.is(selection.lastUsed.get('c'), NOW - 2 * HOUR);
});

test('a desired image named by digest keeps it', (t) => {
  const digest = `reg:5000/app@sha256:${'a'.repeat(64)}`;
  t.deepEqual(removedIds(input([{ id: 'a', tags: [], digests: [digest], created: 1 }], { desiredImages: [digest] })), []);
});

test('the last N unused images of each repository are kept, the most recently pulled', (t) => {
  const images = [image('a1', ['reg:5000/app:1']), image('a2', ['reg:5000/app:2']), image('a3', ['reg:5000/app:3']), image('b1', ['reg:5000/other:1'])];
  t.deepEqual(removedIds(input(images, { keep: 1 })), ['a1', 'a2']);
  t.deepEqual(removedIds(input(images, { keep: 2 })), ['a1']);
  t.deepEqual(removedIds(input(images, { keep: 0 })), ['a1', 'a2', 'a3', 'b1']);
  // Used images do not count towards the N: a3 running, a2 is the rollback.
  t.deepEqual(removedIds(input(images, { keep: 1, containerImageIds: new Set(['a3']) })), ['a1']);
});

test('only images the agent pulled, and only the references it pulled, unless all', (t) => {
  const images = [image('mine', ['reg:5000/app:1']), image('theirs', ['reg:5000/app:2']), image('shared', ['reg:5000/app:3', 'local/copy:1'])];
  const pulled = { mine: { refs: ['reg:5000/app:1'], pulledAt: 1 }, shared: { refs: ['reg:5000/app:3'], pulledAt: 2 } };
  const mine = selectImages(input(images, { pulled }));
  t.deepEqual(mine.remove.map((r) => [r.id, r.refs]).sort(), [['mine', ['reg:5000/app:1']], ['shared', ['reg:5000/app:3']]], 'the local tag stays');
  const all = selectImages(input(images, { pulled, all: true }));
  t.deepEqual(all.remove.map((r) => [r.id, r.refs]).sort(), [['mine', ['reg:5000/app:1']], ['shared', ['reg:5000/app:3', 'local/copy:1']], ['theirs', ['reg:5000/app:2']]]);
  // An image the agent pulled, tagged since only by someone else's name: that name keeps it.
  t.deepEqual(removedIds(input([image('x', ['mine/retagged:1'])], { pulled: { x: { refs: ['reg:5000/app:1'], pulledAt: 1 } } })), []);
});

test('a pulled image whose tag moved on is removed by id, in the repository of its pulled reference', (t) => {
  const stale = { id: 'old', tags: [], digests: [`reg:5000/app@sha256:${'b'.repeat(64)}`], created: 1 };
  const selection = selectImages(input([stale, image('new', ['reg:5000/app:latest'])], { keep: 1,
    pulled: { old: { refs: ['reg:5000/app:latest'], pulledAt: 1 }, new: { refs: ['reg:5000/app:latest'], pulledAt: 2 } } }));
  t.deepEqual(selection.remove, [{ id: 'old', refs: [], repository: 'reg:5000/app', unusedMs: 2 * HOUR }]);
});

test('an image seen for the first time starts its grace now, and images gone are forgotten', (t) => {
  const selection = selectImages(input([image('a', ['reg:5000/app:1'])], { lastUsed: new Map([['a', NOW - 2 * HOUR], ['gone', 5]]) }));
  t.deepEqual(selection.remove.map((r) => r.id), ['a']);
  t.deepEqual([...selection.lastUsed.keys()], ['a']);
  const fresh = selectImages(input([image('a', ['reg:5000/app:1'])], { lastUsed: new Map() }));
  t.deepEqual(fresh.remove, []);
  t.deepEqual([...fresh.lastUsed], [['a', NOW]]);
});

test('repositoryOf drops tag and digest and names Docker Hub in full', (t) => {
  t.is(repositoryOf('busybox'), 'docker.io/library/busybox');
  t.is(repositoryOf('127.0.0.1:5000/team/web:1'), '127.0.0.1:5000/team/web');
  t.is(repositoryOf(`reg:5000/app@sha256:${'c'.repeat(64)}`), 'reg:5000/app');
});
