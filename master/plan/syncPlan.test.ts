import test from 'ava';
import type { Job } from '../../core/index.js';
import { planSync, type CurrentState, type DesiredJob } from './syncPlan.js';

const hash = (c: string) => c.repeat(40);
const job = (name: string, version: string, h: string, over: Partial<Job> = {}): Job =>
  ({ id: `${name}:${version}:${hash(h)}`, image: 'busybox:latest', command: [], env: {}, ports: {}, registration: {}, ...over });
const want = (j: Job, hosts: string[], goal: 'START' | 'STOP' = 'START', file = `jobs/${j.id.split(':')[0]}.yaml`): DesiredJob =>
  ({ file, job: j, hosts, goal, lines: { name: 1, ports: 4, deploy: 9 } });
const owned = (j: Job, owner = 'git:repo') => ({ ...j, owner });
const dep = (host: string, j: Job, goal: 'START' | 'STOP' = 'START', owner = 'git:repo') => ({ host, jobId: j.id, goal, owner });
const empty: CurrentState = { jobs: [], deployments: [] };

test('a new source creates its jobs, then deploys them', (t) => {
  const web = job('web', '1', 'a');
  const plan = planSync('repo', [want(web, ['h1', 'h2'], 'STOP')], empty);
  t.deepEqual(plan.errors, []);
  t.deepEqual(plan.actions.map((a) => [a.action, a.host ?? '', a.goal ?? '']), [
    ['create', '', ''], ['deploy', 'h1', 'STOP'], ['deploy', 'h2', 'STOP'],
  ]);
});

test('the same commit against the state it produced plans nothing', (t) => {
  const web = job('web', '1', 'a');
  const plan = planSync('repo', [want(web, ['h1'])], { jobs: [owned(web)], deployments: [dep('h1', web)] });
  t.deepEqual(plan, { actions: [], errors: [] });
});

test('a changed file undeploys and removes the old version before creating and deploying the new one', (t) => {
  const v1 = job('web', '1', 'a');
  const v1b = job('web', '1', 'b', { env: { X: '1' } });
  const plan = planSync('repo', [want(v1b, ['h1'])], { jobs: [owned(v1)], deployments: [dep('h1', v1)] });
  t.deepEqual(plan.errors, []);
  t.deepEqual(plan.actions.map((a) => `${a.action} ${a.jobId.slice(0, 8)} ${a.host ?? ''}`.trim()), [
    `undeploy ${v1.id.slice(0, 8)} h1`, `remove ${v1.id.slice(0, 8)}`, `create ${v1b.id.slice(0, 8)}`, `deploy ${v1b.id.slice(0, 8)} h1`,
  ]);
});

test('jobs gone from the commit are undeployed everywhere (whoever deployed them) and removed', (t) => {
  const old = job('old', '1', 'c');
  const plan = planSync('repo', [], { jobs: [owned(old)], deployments: [dep('h1', old), dep('h2', old, 'START', 'cli')] });
  t.deepEqual(plan.actions.map((a) => `${a.action} ${a.host ?? ''}`.trim()), ['undeploy h1', 'undeploy h2', 'remove']);
});

test('hosts no longer listed are undeployed; goals that differ are set (drift is restored)', (t) => {
  const web = job('web', '1', 'a');
  const plan = planSync('repo', [want(web, ['h1', 'h3'], 'START')], {
    jobs: [owned(web)], deployments: [dep('h1', web, 'STOP'), dep('h2', web)],
  });
  t.deepEqual(plan.actions.map((a) => `${a.action} ${a.host}${a.goal ? ' ' + a.goal : ''}`), ['undeploy h2', 'deploy h3 START', 'set-goal h1 START']);
});

test('other owners\' jobs and deployments are left alone', (t) => {
  const mine = job('web', '1', 'a');
  const theirs = job('api', '1', 'b');
  const plan = planSync('repo', [want(mine, ['h1'])], {
    jobs: [owned(mine), owned(theirs, 'git:other'), owned(job('cli', '1', 'c'), 'cli')],
    deployments: [dep('h1', mine), dep('h1', theirs, 'START', 'git:other')],
  });
  t.deepEqual(plan, { actions: [], errors: [] });
});

test('a job id or name:version held by another owner refuses the commit with an error on the file', (t) => {
  const web = job('web', '1', 'a');
  const sameId = planSync('repo', [want(web, [])], { jobs: [owned(web, 'cli')], deployments: [] });
  t.deepEqual(sameId.actions, []);
  t.is(sameId.errors.length, 1);
  t.like(sameId.errors[0], { file: 'jobs/web.yaml', line: 1 });
  t.regex(sameId.errors[0].message, /owned by cli/);
  const sameName = planSync('repo', [want(job('web', '1', 'b'), [])], { jobs: [owned(web, 'pulumi')], deployments: [] });
  t.regex(sameName.errors[0].message, /web:1 .*owned by pulumi/);
});

test('static port clashes on a host refuse the commit, between files or with another owner\'s job', (t) => {
  const ports = { http: { internalPort: 80, externalPort: 8080, protocol: 'tcp' as const } };
  const a = job('a', '1', 'a', { ports });
  const b = job('b', '1', 'b', { ports });
  const between = planSync('repo', [want(a, ['h1']), want(b, ['h1', 'h2'])], empty);
  t.deepEqual(between.actions, []);
  t.is(between.errors.length, 1);
  t.like(between.errors[0], { file: 'jobs/b.yaml', line: 4 });
  t.regex(between.errors[0].message, /8080\/tcp on host h1 .*jobs\/a\.yaml/);
  const other = job('other', '1', 'c', { ports });
  const withOther = planSync('repo', [want(a, ['h1'])], { jobs: [owned(other, 'cli')], deployments: [dep('h1', other, 'START', 'cli')] });
  t.regex(withOther.errors[0].message, /owned by cli/);
  // A version being replaced frees its port first.
  const a2 = job('a', '2', 'd', { ports });
  const replaced = planSync('repo', [want(a2, ['h1'])], { jobs: [owned(a)], deployments: [dep('h1', a)] });
  t.deepEqual(replaced.errors, []);
});

const toGroup = (j: Job, group: string, selectors = true): DesiredJob =>
  ({ ...want(j, []), group: { name: group, ...(selectors ? { hostSelectors: [{ label: 'role', operator: 'EQUALS', operand: 'web' }] } : {}) } });
const roleWeb = [{ label: 'role', operator: 'EQUALS', operand: 'web' }] as const;

test('deploy.group: a new group is created after its job, then rolled out; the same commit again plans nothing', (t) => {
  const v1 = job('web', '1', 'a');
  const first = planSync('repo', [toGroup(v1, 'web')], empty);
  t.deepEqual(first.errors, []);
  t.deepEqual(first.actions.map((a) => [a.action, a.group ?? '']), [['create', ''], ['create-group', 'web'], ['rolling-update', 'web']]);
  const again = planSync('repo', [toGroup(v1, 'web')], {
    jobs: [owned(v1)], deployments: [dep('h1', v1, 'START', 'group:web')],
    groups: [{ name: 'web', owner: 'git:repo', hostSelectors: [...roleWeb], targetJobId: v1.id, jobsInUse: [v1.id] }],
  });
  t.deepEqual(again, { actions: [], errors: [] });
});

test('deploy.group: a new version is created and rolled out while the old one stays deployed; once unused a later pass removes it', (t) => {
  const v1 = job('web', '1', 'a');
  const v2 = job('web', '2', 'b');
  const rolling = { jobs: [owned(v1)], deployments: [dep('h1', v1, 'START', 'group:web'), dep('h2', v1, 'START', 'group:web')],
    groups: [{ name: 'web', owner: 'git:repo', hostSelectors: [...roleWeb], targetJobId: v1.id, jobsInUse: [v1.id] }] };
  const plan = planSync('repo', [toGroup(v2, 'web')], rolling);
  t.deepEqual(plan.errors, []);
  t.deepEqual(plan.actions.map((a) => [a.action, a.jobId]), [['create', v2.id], ['rolling-update', v2.id]]);
  const done = planSync('repo', [toGroup(v2, 'web')], { jobs: [owned(v1), owned(v2)], deployments: [dep('h1', v2, 'START', 'group:web')],
    groups: [{ name: 'web', owner: 'git:repo', hostSelectors: [...roleWeb], targetJobId: v2.id, jobsInUse: [v2.id] }] });
  t.deepEqual(done.actions.map((a) => [a.action, a.jobId]), [['remove', v1.id]]);
});

test('deploy.group: a changed job that keeps its version is refused (the old one stays during the rollout)', (t) => {
  const v1 = job('web', '1', 'a');
  const plan = planSync('repo', [toGroup(job('web', '1', 'b'), 'web')], { jobs: [owned(v1)], deployments: [dep('h1', v1, 'START', 'group:web')],
    groups: [{ name: 'web', owner: 'git:repo', hostSelectors: [...roleWeb], targetJobId: v1.id, jobsInUse: [v1.id] }] });
  t.deepEqual(plan.actions, []);
  t.regex(plan.errors[0].message, /stays on deployment group web while a rolling update replaces it, so a changed job needs a new version/);
});

test('deploy.group: a missing group without selectors, another source\'s group and two files for one group are errors', (t) => {
  const web = job('web', '1', 'a');
  t.regex(planSync('repo', [toGroup(web, 'web', false)], empty).errors[0].message, /deployment group web does not exist: give deploy.selector/);
  const theirs = { jobs: [], deployments: [], groups: [{ name: 'web', owner: 'git:other', hostSelectors: [...roleWeb], jobsInUse: [] }] };
  t.regex(planSync('repo', [toGroup(web, 'web')], theirs).errors[0].message, /is declared by git:other/);
  const two = planSync('repo', [toGroup(web, 'web'), { ...toGroup(job('api', '1', 'c'), 'web'), file: 'jobs/api.yaml' }], empty);
  t.regex(two.errors[0].message, /also rolled out to by jobs\/web.yaml; one job file per group/);
});

test('deploy.group: a group made by hand is rolled out to as it is; new selectors change a group the source declares; a deleted file removes it', (t) => {
  const web = job('web', '1', 'a');
  const byHand = planSync('repo', [toGroup(web, 'web', false)], { jobs: [], deployments: [], groups: [{ name: 'web', hostSelectors: [...roleWeb], jobsInUse: [] }] });
  t.deepEqual(byHand.actions.map((a) => a.action), ['create', 'rolling-update']);
  const declared = { name: 'web', owner: 'git:repo', hostSelectors: [{ label: 'role', operator: 'EQUALS' as const, operand: 'api' }], targetJobId: web.id, jobsInUse: [web.id] };
  t.deepEqual(planSync('repo', [toGroup(web, 'web')], { jobs: [owned(web)], deployments: [], groups: [declared] }).actions.map((a) => a.action), ['update-group']);
  const deleted = planSync('repo', [], { jobs: [owned(web)], deployments: [dep('h1', web, 'START', 'group:web')], groups: [declared] });
  t.deepEqual(deleted.actions.map((a) => [a.action, a.group ?? a.host ?? '']), [['undeploy', 'h1'], ['remove-group', 'web'], ['remove', '']]);
});
