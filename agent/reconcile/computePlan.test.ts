import test from 'ava';
import type { DesiredTask, Goal } from '../../core/index.js';
import type { ObservedContainer } from '../docker/dockerAdapter.js';
import { computePlan, pickKeeper } from './computePlan.js';

const task = (jobId: string, goal: Goal = 'START'): DesiredTask =>
  ({ jobId, goal, job: { id: jobId, image: 'busybox:latest', command: [], env: {}, ports: {}, registration: {} } });
const box = (id: string, jobId: string, running = true, created = 1): ObservedContainer => ({ id, name: id, jobId, running, created });

test('a new task gets a supervisor and adopts nothing when no container exists', (t) => {
  const plan = computePlan([task('a:1:x')], [], []);
  t.deepEqual(plan.supervise.map((s) => [s.task.jobId, s.adopt]), [['a:1:x', null]]);
  t.deepEqual([plan.update, plan.release, plan.reap], [[], [], []]);
});

test('a task with several containers adopts the newest running one and reaps the others', (t) => {
  const old = box('old', 'a:1:x', true, 1);
  const newest = box('new', 'a:1:x', true, 5);
  const newestStopped = box('stopped', 'a:1:x', false, 9);
  const plan = computePlan([task('a:1:x')], [old, newestStopped, newest], []);
  t.is(plan.supervise[0].adopt, newest);
  t.deepEqual(plan.reap.map((c) => c.id).sort(), ['old', 'stopped']);
});

test('without a running container the newest one is kept', (t) => {
  t.is(pickKeeper([box('a', 'j', false, 1), box('b', 'j', false, 3)])?.id, 'b');
  t.is(pickKeeper([]), null);
});

test('a supervised task is updated with its containers, never reaped by the pass', (t) => {
  const c = box('c1', 'a:1:x');
  const extra = box('c2', 'a:1:x');
  const plan = computePlan([task('a:1:x', 'STOP')], [c, extra], [{ jobId: 'a:1:x', goal: 'START' }]);
  t.deepEqual(plan.update, [{ task: task('a:1:x', 'STOP'), containers: [c, extra] }]);
  t.deepEqual([plan.supervise, plan.reap, plan.release], [[], [], []]);
});

test('a supervised task no longer desired (or with goal UNDEPLOY) is released, its container left to the supervisor', (t) => {
  const plan = computePlan([task('b:1:y', 'UNDEPLOY')], [box('c1', 'a:1:x'), box('c2', 'b:1:y')],
    [{ jobId: 'a:1:x', goal: 'START' }, { jobId: 'b:1:y', goal: 'START' }]);
  t.deepEqual(plan.release.sort(), ['a:1:x', 'b:1:y']);
  t.deepEqual(plan.reap, []);
});

test('containers of jobs nobody wants and nobody supervises are reaped', (t) => {
  const plan = computePlan([task('a:1:x')], [box('orphan', 'gone:1:z', false)], []);
  t.deepEqual(plan.reap.map((c) => c.id), ['orphan']);
});
