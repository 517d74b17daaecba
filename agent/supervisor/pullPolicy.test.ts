import test from 'ava';
import { imageTag, isPullPolicy, pullsFirst } from './pullPolicy.js';

test('auto pulls :latest and untagged references first, and other tags and digests only when missing', (t) => {
  for (const ref of ['busybox', 'busybox:latest', 'library/busybox', 'registry.example.com/team/app', '127.0.0.1:5000/app',
    '127.0.0.1:5000/app:latest', 'docker.io/library/nginx:latest']) {
    t.true(pullsFirst('auto', ref), ref);
  }
  for (const ref of ['busybox:1.36', 'nginx:1.25-alpine', '127.0.0.1:5000/app:1', 'registry.example.com:443/team/app:v2',
    'busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    'busybox:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef']) {
    t.false(pullsFirst('auto', ref), ref);
  }
});

test('always pulls every reference first, missing none', (t) => {
  for (const ref of ['busybox', 'busybox:1.36', 'busybox@sha256:00']) {
    t.true(pullsFirst('always', ref), ref);
    t.false(pullsFirst('missing', ref), ref);
  }
});

test('a registry port is not a tag', (t) => {
  t.is(imageTag('127.0.0.1:5000/app'), null);
  t.is(imageTag('127.0.0.1:5000/app:2'), '2');
  t.is(imageTag('busybox'), null);
  t.is(imageTag('busybox:1.36@sha256:00'), '1.36');
});

test('only the three policies are policies', (t) => {
  t.true(isPullPolicy('auto'));
  t.true(isPullPolicy('always'));
  t.true(isPullPolicy('missing'));
  t.false(isPullPolicy('never'));
  t.false(isPullPolicy('Always'));
  t.false(isPullPolicy(undefined));
});
