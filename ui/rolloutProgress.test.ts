import test from 'ava';
import { rolloutProgress } from './rolloutProgress.js';

const tasks = (targets: string) => [...targets].map((target) => ({ target }));

test('rolloutProgress: hosts before the task done, its host under way, later ones pending; a host with tasks on both sides under way', (t) => {
  // Parallelism 1: undeploy, deploy, await for a, then b, then c.
  t.deepEqual(rolloutProgress(tasks('aaabbbccc'), 4), [['a', 'DONE'], ['b', 'IN_PROGRESS'], ['c', 'PENDING']]);
  t.deepEqual(rolloutProgress(tasks('aaabbbccc'), 3), [['a', 'DONE'], ['b', 'IN_PROGRESS'], ['c', 'PENDING']]);
  // Parallelism 2: a and b undeployed and deployed, then both awaited.
  t.deepEqual(rolloutProgress(tasks('aabbab'), 2), [['a', 'IN_PROGRESS'], ['b', 'IN_PROGRESS']]);
  t.deepEqual(rolloutProgress(tasks('ab'), 2), [['a', 'DONE'], ['b', 'DONE']]);
  t.deepEqual(rolloutProgress([], 0), []);
});
