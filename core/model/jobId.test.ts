import test from 'ava';
import { jobHash, parseJobId } from './jobId.js';

test('hash matches the Helios user guide vector', (t) => {
  t.is(jobHash({ name: 'foo', version: 'v1', image: 'rohan/memcached-tiny' }), '2a89d5a87851d68678aabdad38d31faa296f5bf1');
});

test('hash matches the Helios test vector foo:bar', (t) => {
  t.is(jobHash({ name: 'foo', version: 'bar', image: 'foo/bar:1' }), '3f5c6e4aef30e1ab68931dbd66a83226410b87e9');
});

test('empty lists and maps at the top level do not change the hash', (t) => {
  const plain = jobHash({ name: 'foo', version: 'v1', image: 'rohan/memcached-tiny' });
  t.is(jobHash({ name: 'foo', version: 'v1', image: 'rohan/memcached-tiny', command: [], env: {}, ports: {}, registration: {}, token: '' }), plain);
});

test('parseJobId splits two and three parts and refuses others', (t) => {
  t.deepEqual(parseJobId('a:b'), { name: 'a', version: 'b' });
  t.deepEqual(parseJobId('a:b:c'), { name: 'a', version: 'b', hash: 'c' });
  t.is(parseJobId('a'), null);
  t.is(parseJobId('a:b:c:d'), null);
});
