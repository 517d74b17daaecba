import test from 'ava';
import { acceptsGzip } from './compression.js';

test('Accept-Encoding takes gzip when it names it, or *, with a q-value above 0', (t) => {
  for (const header of ['gzip', 'gzip, deflate, br', 'deflate, GZIP;q=0.5', '*', 'br, *;q=0.1', 'gzip;q=1.0']) t.true(acceptsGzip(header), header);
  for (const header of [undefined, '', 'identity', 'br, deflate', 'gzip;q=0', '*;q=0', 'gzip;q=0, *', 'br, *;q=0']) t.false(acceptsGzip(header), String(header));
});
