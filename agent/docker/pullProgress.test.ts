import test from 'ava';
import { createPullProgress, type PullEvent } from './pullProgress.js';

test('per-layer pull lines sum into bytes and layers done, the total growing as layer sizes become known', (t) => {
  const progress = createPullProgress();
  const lines: PullEvent[] = [
    { status: 'Pulling from private/big', id: '1' },
    { status: 'Already exists', id: 'aaa' },
    { status: 'Pulling fs layer', id: 'bbb', progressDetail: {} },
    { status: 'Pulling fs layer', id: 'ccc', progressDetail: {} },
  ];
  for (const line of lines) progress.add(line);
  t.deepEqual(progress.snapshot(), { bytesDone: 0, bytesTotal: 0, layersDone: 1, layersTotal: 3 });
  t.true(progress.add({ status: 'Downloading', id: 'bbb', progressDetail: { current: 500, total: 2_000 } }));
  t.false(progress.add({ status: 'Downloading', id: 'bbb', progressDetail: { current: 500, total: 2_000 } }), 'nothing new');
  t.deepEqual(progress.snapshot(), { bytesDone: 500, bytesTotal: 2_000, layersDone: 1, layersTotal: 3 });
  progress.add({ status: 'Downloading', id: 'ccc', progressDetail: { current: 100, total: 1_000 } });
  progress.add({ status: 'Download complete', id: 'bbb', progressDetail: {} });
  progress.add({ status: 'Extracting', id: 'bbb', progressDetail: { current: 10, total: 2_000 } });
  t.deepEqual(progress.snapshot(), { bytesDone: 2_100, bytesTotal: 3_000, layersDone: 2, layersTotal: 3 });
  progress.add({ status: 'Retrying in 5 seconds', id: 'ccc' });
  t.deepEqual(progress.snapshot(), { bytesDone: 2_000, bytesTotal: 3_000, layersDone: 2, layersTotal: 3 });
  progress.add({ status: 'Pull complete', id: 'ccc' });
  t.false(progress.add({ status: 'Digest: sha256:abc' }));
  t.deepEqual(progress.snapshot(), { bytesDone: 3_000, bytesTotal: 3_000, layersDone: 3, layersTotal: 3 });
});

test('no layer line yet: no progress to report', (t) => {
  const progress = createPullProgress();
  t.false(progress.add({ status: 'Pulling from library/busybox', id: 'latest' }));
  t.is(progress.snapshot(), null);
});
