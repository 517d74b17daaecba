import test from 'ava';
import { formatBytes, pullBar } from './pullBar.js';

test('bytes in the docker CLI\'s decimal units', (t) => {
  t.is(formatBytes(0), '0B');
  t.is(formatBytes(999), '999B');
  t.is(formatBytes(1_000), '1.0kB');
  t.is(formatBytes(48_234_567), '48.2MB');
  t.is(formatBytes(3e12), '3.0TB');
});

test('the bar fills with the bytes done of those known, and says the layers', (t) => {
  t.is(pullBar({ bytesDone: 5e6, bytesTotal: 1e7, layersDone: 0, layersTotal: 1 }, 10), '[#####-----] 5.0MB/10.0MB, 0/1 layers');
  t.is(pullBar({ bytesDone: 0, bytesTotal: 0, layersDone: 1, layersTotal: 3 }, 4), '[----] 0B/0B, 1/3 layers');
  t.is(pullBar({ bytesDone: 24e6, bytesTotal: 24e6, layersDone: 2, layersTotal: 2 }), `[${'#'.repeat(20)}] 24.0MB/24.0MB, 2/2 layers`);
});
