import test from 'ava';
import { sameSecret, secretDigest } from './secretDigest.js';

test('sameSecret is true only for the same text: a prefix, another length or the empty text is another secret', (t) => {
  t.true(sameSecret('s3cret', 's3cret'));
  t.false(sameSecret('s3cret', 's3cre'));
  t.false(sameSecret('s3cret', 's3cret '));
  t.false(sameSecret('s3cret', ''));
  t.false(sameSecret('é', 'e'));
  t.is(secretDigest('').length, 32, 'fixed length, whatever the secret');
});
