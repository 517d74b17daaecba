import test from 'ava';
import { matchesSecretDigest, secretDigest } from './secretDigest.js';

test('a digest matches its secret only, and holds neither it nor a fixed value', async (t) => {
  const digest = await secretDigest('s3cret-Pa55');
  t.regex(digest, /^scrypt:[0-9a-f]{32}:[0-9a-f]{64}$/);
  t.false(digest.includes('s3cret'));
  t.true(await matchesSecretDigest('s3cret-Pa55', digest));
  t.false(await matchesSecretDigest('s3cret-Pa56', digest));
  t.not(await secretDigest('s3cret-Pa55'), digest, 'a new salt each time');
  for (const bad of [undefined, '', 'scrypt:zz:00', 42]) t.false(await matchesSecretDigest('x', bad));
});
