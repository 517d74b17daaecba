import test from 'ava';
import { randomBytes } from 'node:crypto';
import { createSecretBox, SecretOpenError } from './secretBox.js';

const key = randomBytes(32);

test('a sealed secret opens with the same key and account id, never with another of either', (t) => {
  const box = createSecretBox(key);
  const sealed = box.seal('s3cret-Pa55', 'account-1');
  t.is(box.open(sealed, 'account-1'), 's3cret-Pa55');
  t.false(sealed.includes('s3cret'));
  t.throws(() => box.open(sealed, 'account-2'), { instanceOf: SecretOpenError }, 'copied onto another account');
  t.throws(() => createSecretBox(randomBytes(32)).open(sealed, 'account-1'), { instanceOf: SecretOpenError, message: /another --secrets-key-file/ });
  const bytes = Buffer.from(sealed.slice(3), 'base64');
  bytes[20] ^= 1;
  t.throws(() => box.open(`v1:${bytes.toString('base64')}`, 'account-1'), { instanceOf: SecretOpenError }, 'a changed byte');
  t.throws(() => box.open('plain text', 'account-1'), { instanceOf: SecretOpenError, message: 'the sealed secret is damaged' });
});

test('every sealing takes a new 96-bit nonce', (t) => {
  const box = createSecretBox(key);
  const nonces = new Set(Array.from({ length: 100 }, () => Buffer.from(box.seal('same', 'a').slice(3), 'base64').subarray(0, 12).toString('hex')));
  t.is(nonces.size, 100);
});
