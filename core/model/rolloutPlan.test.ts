import test from 'ava';
import type { HeliosError } from '../errors/HeliosError.js';
import { planRollingUndeploy, planRollingUpdate, planRollout, rolloutTasks, type RolloutAction, type RolloutTask } from './rolloutPlan.js';

// The sequences below are those of Helios' RollingUpdatePlannerTest and RollingUndeployPlannerTest
// (helios-services/src/test/java/com/spotify/helios/rollingupdate/), task by task.
const HOSTS = ['agent1', 'agent2', 'agent3', 'agent4'];
const rolloutTask = (action: RolloutAction, target: string): RolloutTask => ({ action, target });
const UNDEPLOY = (host: string) => rolloutTask('UNDEPLOY_OLD_JOBS', host);
const DEPLOY = (host: string) => rolloutTask('DEPLOY_NEW_JOB', host);
const AWAIT = (host: string) => rolloutTask('AWAIT_RUNNING', host);
const FORCE = (host: string) => rolloutTask('FORCE_UNDEPLOY_JOBS', host);
const AWAIT_GONE = (host: string) => rolloutTask('AWAIT_UNDEPLOYED', host);
const MARK = (host: string) => rolloutTask('MARK_UNDEPLOYED', host);

test('RollingUpdatePlannerTest.testSerialRollout', (t) => {
  t.deepEqual(rolloutTasks(planRollingUpdate(HOSTS, { parallelism: 1 })), [
    UNDEPLOY('agent1'), DEPLOY('agent1'), AWAIT('agent1'),
    UNDEPLOY('agent2'), DEPLOY('agent2'), AWAIT('agent2'),
    UNDEPLOY('agent3'), DEPLOY('agent3'), AWAIT('agent3'),
    UNDEPLOY('agent4'), DEPLOY('agent4'), AWAIT('agent4'),
  ]);
});

test('RollingUpdatePlannerTest.testParallelRollout', (t) => {
  t.deepEqual(rolloutTasks(planRollingUpdate(HOSTS, { parallelism: 2 })), [
    UNDEPLOY('agent1'), DEPLOY('agent1'), UNDEPLOY('agent2'), DEPLOY('agent2'), AWAIT('agent1'), AWAIT('agent2'),
    UNDEPLOY('agent3'), DEPLOY('agent3'), UNDEPLOY('agent4'), DEPLOY('agent4'), AWAIT('agent3'), AWAIT('agent4'),
  ]);
});

test('RollingUpdatePlannerTest.testParallelRolloutWithRemainder', (t) => {
  t.deepEqual(rolloutTasks(planRollingUpdate(HOSTS, { parallelism: 3 })), [
    UNDEPLOY('agent1'), DEPLOY('agent1'), UNDEPLOY('agent2'), DEPLOY('agent2'), UNDEPLOY('agent3'), DEPLOY('agent3'),
    AWAIT('agent1'), AWAIT('agent2'), AWAIT('agent3'),
    UNDEPLOY('agent4'), DEPLOY('agent4'), AWAIT('agent4'),
  ]);
});

test('RollingUpdatePlannerTest.testOverlapRollout (parallelism not set: 1)', (t) => {
  t.deepEqual(rolloutTasks(planRollingUpdate(HOSTS, { overlap: true })), [
    DEPLOY('agent1'), AWAIT('agent1'), UNDEPLOY('agent1'),
    DEPLOY('agent2'), AWAIT('agent2'), UNDEPLOY('agent2'),
    DEPLOY('agent3'), AWAIT('agent3'), UNDEPLOY('agent3'),
    DEPLOY('agent4'), AWAIT('agent4'), UNDEPLOY('agent4'),
  ]);
});

test('RollingUpdatePlannerTest.testOverlapParallelRollout', (t) => {
  t.deepEqual(rolloutTasks(planRollingUpdate(HOSTS, { overlap: true, parallelism: 2 })), [
    DEPLOY('agent1'), DEPLOY('agent2'), AWAIT('agent1'), AWAIT('agent2'), UNDEPLOY('agent1'), UNDEPLOY('agent2'),
    DEPLOY('agent3'), DEPLOY('agent4'), AWAIT('agent3'), AWAIT('agent4'), UNDEPLOY('agent3'), UNDEPLOY('agent4'),
  ]);
});

test('RollingUndeployPlannerTest.testSerialRollout', (t) => {
  t.deepEqual(rolloutTasks(planRollingUndeploy(HOSTS, { parallelism: 1 })), [
    FORCE('agent1'), AWAIT_GONE('agent1'), MARK('agent1'),
    FORCE('agent2'), AWAIT_GONE('agent2'), MARK('agent2'),
    FORCE('agent3'), AWAIT_GONE('agent3'), MARK('agent3'),
    FORCE('agent4'), AWAIT_GONE('agent4'), MARK('agent4'),
  ]);
});

test('RollingUndeployPlannerTest.testParallelRollout', (t) => {
  t.deepEqual(rolloutTasks(planRollingUndeploy(HOSTS, { parallelism: 2 })), [
    FORCE('agent1'), FORCE('agent2'), AWAIT_GONE('agent1'), MARK('agent1'), AWAIT_GONE('agent2'), MARK('agent2'),
    FORCE('agent3'), FORCE('agent4'), AWAIT_GONE('agent3'), MARK('agent3'), AWAIT_GONE('agent4'), MARK('agent4'),
  ]);
});

test('RollingUndeployPlannerTest.testParallelRolloutWithRemainder', (t) => {
  t.deepEqual(rolloutTasks(planRollingUndeploy(HOSTS, { parallelism: 3 })), [
    FORCE('agent1'), FORCE('agent2'), FORCE('agent3'),
    AWAIT_GONE('agent1'), MARK('agent1'), AWAIT_GONE('agent2'), MARK('agent2'), AWAIT_GONE('agent3'), MARK('agent3'),
    FORCE('agent4'), AWAIT_GONE('agent4'), MARK('agent4'),
  ]);
});

test('each step is one chunk of at most parallelism hosts, in the given order', (t) => {
  const steps = planRollingUpdate(['h2', 'h10', 'h1', 'h3', 'h5'], { parallelism: 2 });
  t.deepEqual(steps.map((step) => [step.kind, step.hosts]), [['update', ['h2', 'h10']], ['update', ['h1', 'h3']], ['update', ['h5']]]);
  t.deepEqual(steps[2].tasks, [UNDEPLOY('h5'), DEPLOY('h5'), AWAIT('h5')]);
  t.deepEqual(planRollingUndeploy(HOSTS, { parallelism: 4 }).map((step) => [step.kind, step.hosts]), [['undeploy', HOSTS]]);
  t.true(planRollingUpdate(HOSTS, { parallelism: 10 }).length === 1, 'parallelism over the host count: one step');
});

test('no hosts, no steps', (t) => {
  t.deepEqual(planRollingUpdate([], { parallelism: 3 }), []);
  t.deepEqual(planRollingUndeploy([]), []);
  t.deepEqual(planRollout({ hosts: [], isUp: () => true }), []);
});

test('a parallelism that is not a whole number of 1 or more is refused naming the field', (t) => {
  for (const parallelism of [0, -1, 1.5, Number.NaN]) {
    const err = t.throws(() => planRollingUpdate(HOSTS, { parallelism })) as HeliosError;
    t.is(err.code, 'INVALID_REQUEST');
    t.is(err.message, `rolloutOptions.parallelism must be an integer of 1 or more, not ${parallelism}`);
    t.is(err.data?.field, 'rolloutOptions.parallelism');
    t.throws(() => planRollingUndeploy(HOSTS, { parallelism }));
  }
});

// getInitRollingUpdateOps: undeploy of removed UP hosts, minus those still in the group, then the update.
test('a rollout undeploys removed UP hosts first, then updates the UP members; DOWN hosts get no task', (t) => {
  const up = new Set(['agent1', 'agent3', 'agent4', 'gone1', 'gone3']);
  const plan = planRollout({
    hosts: ['agent1', 'agent2', 'agent3', 'agent4'],
    removed: ['gone1', 'gone2', 'gone3', 'agent3'],
    isUp: (host) => up.has(host),
    options: { parallelism: 2 },
  });
  t.deepEqual(plan.map((step) => [step.kind, step.hosts]), [
    ['undeploy', ['gone1', 'gone3']], ['update', ['agent1', 'agent3']], ['update', ['agent4']],
  ]);
  t.deepEqual(rolloutTasks(plan), [
    FORCE('gone1'), FORCE('gone3'), AWAIT_GONE('gone1'), MARK('gone1'), AWAIT_GONE('gone3'), MARK('gone3'),
    UNDEPLOY('agent1'), DEPLOY('agent1'), UNDEPLOY('agent3'), DEPLOY('agent3'), AWAIT('agent1'), AWAIT('agent3'),
    UNDEPLOY('agent4'), DEPLOY('agent4'), AWAIT('agent4'),
  ]);
});

test('overlap changes only the update steps of a rollout', (t) => {
  const plan = planRollout({ hosts: ['a'], removed: ['b'], isUp: () => true, options: { overlap: true } });
  t.deepEqual(rolloutTasks(plan), [FORCE('b'), AWAIT_GONE('b'), MARK('b'), DEPLOY('a'), AWAIT('a'), UNDEPLOY('a')]);
});
