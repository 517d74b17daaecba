import test from 'ava';
import { DEFAULT_ROLLOUT_OPTIONS } from '../core/model/rolloutOptions.js';
import type { DeploymentGroupHostStatus, DeploymentGroupStatusResponse, RolloutRecord } from '../core/schema/deploymentGroup.js';
import { groupStatusText, historyText, optionsText } from './deploymentGroupView.js';
import { createOutput, type Output } from './output.js';

// Replays Helios' DeploymentGroupStatusCommandTest on the text: Helios compares it with all blanks
// removed; the exact text is pinned here (columns three spaces apart, as every table of ours).
const JOB_ID = `foo-job:0.1.0:${'a'.repeat(40)}`;
const SHORT = 'foo-job:0.1.0:aaaaaaa';
const selectors = [{ label: 'a', operator: 'EQUALS', operand: 'b' }, { label: 'foo', operator: 'EQUALS', operand: 'bar' }] as const;

async function plainOutput(): Promise<Output> {
  const sink = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
  return createOutput({ stdout: sink, stderr: sink }, { json: false, env: {} });
}

function statusOf(over: Partial<DeploymentGroupStatusResponse>, hostStatuses: DeploymentGroupHostStatus[], jobId: string | null = JOB_ID): DeploymentGroupStatusResponse {
  return {
    deploymentGroup: { name: 'foo-group', hostSelectors: [...selectors], ...(jobId ? { jobId, rollingUpdateReason: 'MANUAL' } : {}), rolloutOptions: { ...DEFAULT_ROLLOUT_OPTIONS } },
    status: 'ROLLING_OUT', error: '', hostStatuses, deploymentGroupStatus: null, reverted: false, rollout: null, ...over,
  };
}

const three: DeploymentGroupHostStatus[] = [
  { host: 'host1', jobId: JOB_ID, state: 'RUNNING' },
  { host: 'host2', jobId: JOB_ID, state: 'PULLING_IMAGE' },
  { host: 'host3', jobId: null, state: null },
];
const view = { full: false, domains: [] };

test('testDeploymentGroupStatus', async (t) => {
  t.is(await groupStatusText(await plainOutput(), statusOf({}, three), view), [
    'Name: foo-group', `Job Id: ${SHORT}`, 'Status: ROLLING_OUT', 'Host selectors:', '  a = b', '  foo = bar', '',
    'HOST    UP-TO-DATE   JOB                     STATE',
    `host1   X            ${SHORT}   RUNNING`,
    `host2   X            ${SHORT}   PULLING_IMAGE`,
    'host3                -                       -',
  ].join('\n'));
});

test('testDeploymentGroupStatusBeforeRollingUpdate', async (t) => {
  const none = ['host1', 'host2', 'host3'].map((host) => ({ host, jobId: null, state: null }));
  t.is(await groupStatusText(await plainOutput(), statusOf({ status: 'IDLE' }, none, null), view), [
    'Name: foo-group', 'Job Id: null', 'Status: IDLE', 'Host selectors:', '  a = b', '  foo = bar', '',
    'HOST    UP-TO-DATE   JOB   STATE', 'host1                -     -', 'host2                -     -', 'host3                -     -',
  ].join('\n'));
});

test('testDeploymentGroupStatusWithError; ours: reverted and the rollout in progress', async (t) => {
  const text = await groupStatusText(await plainOutput(), statusOf({ error: 'Oops!' }, three), view);
  t.true(text.startsWith(['Name: foo-group', `Job Id: ${SHORT}`, 'Status: ROLLING_OUT', 'Host selectors:', '  a = b', '  foo = bar', 'Error: Oops!', '', 'HOST'].join('\n')));
  const reverting = await groupStatusText(await plainOutput(), statusOf({
    reverted: true, rollout: { rolloutId: 7, taskIndex: 3, reverting: true, tasks: Array.from({ length: 6 }, () => ({ action: 'AWAIT_RUNNING', target: 'host1' })) },
  }, three), view);
  t.true(reverting.includes('\nReverted: yes, the hosts it touched run the previous job again\nRollout: 7, task 4 of 6 (reverting)\n\n'));
});

test('-f: full job ids; without it host names relative to the search domains', async (t) => {
  const hosts = [{ host: 'web1.example.com', jobId: JOB_ID, state: 'RUNNING' as const }];
  const full = await groupStatusText(await plainOutput(), statusOf({}, hosts), { full: true, domains: ['example.com'] });
  t.true(full.includes(`Job Id: ${JOB_ID}\n`));
  t.true(full.endsWith(`web1.example.com   X            ${JOB_ID}   RUNNING`));
  const short = await groupStatusText(await plainOutput(), statusOf({}, hosts), { full: false, domains: ['example.com'] });
  t.true(short.endsWith(`web1   X            ${SHORT}   RUNNING`));
});

test("the options line: Helios' six, then ours", (t) => {
  t.is(optionsText({ ...DEFAULT_ROLLOUT_OPTIONS, token: 'my_token' }),
    'parallelism=1, timeout=300, overlap=false, token=my_token, ignoreFailures=false, migrate=false, autoRevert=false, minHealthySeconds=0');
});

test('the history: a headline per rollout, its options, error and hosts', async (t) => {
  const started = Date.UTC(2026, 11, 3, 13, 0, 0);
  const rollout: RolloutRecord = {
    id: 2, group: 'foo-group', jobId: JOB_ID, previousJobId: `foo-job:0.0.9:${'b'.repeat(40)}`, reason: 'MANUAL', startedBy: 'alice',
    options: { ...DEFAULT_ROLLOUT_OPTIONS, autoRevert: true }, started, finished: started + 12_340, outcome: 'FAILED',
    error: 'host2: timed out waiting for job to reach state RUNNING', errorCode: 'TIMED_OUT_WAITING_FOR_JOB_TO_REACH_RUNNING', reverted: true,
    hosts: [
      { host: 'host1', phase: 'UPDATE', started, finished: started + 1_500, result: 'DONE' },
      { host: 'host2', phase: 'UPDATE', started: started + 1_500, finished: started + 11_000, result: 'FAILED', error: 'timed out', errorCode: 'TIMED_OUT_WAITING_FOR_JOB_TO_REACH_RUNNING' },
      { host: 'host1', phase: 'REVERT', started: started + 11_000, finished: null, result: 'IN_PROGRESS' },
    ],
  };
  t.is(await historyText(await plainOutput(), [rollout], view), [
    `Rollout 2: ${SHORT} (MANUAL, by alice), started 2026-12-03 13:00:00.000 UTC: FAILED, reverted after 12.34 s`,
    '  Options: parallelism=1, timeout=300, overlap=false, token=, ignoreFailures=false, migrate=false, autoRevert=true, minHealthySeconds=0',
    '  Previous job: foo-job:0.0.9:bbbbbbb',
    '  Error: host2: timed out waiting for job to reach state RUNNING (TIMED_OUT_WAITING_FOR_JOB_TO_REACH_RUNNING)',
    '  HOST    PHASE    RESULT        STARTED (UTC)             DURATION   ERROR',
    '  host1   UPDATE   DONE          2026-12-03 13:00:00.000   1.50 s',
    '  host2   UPDATE   FAILED        2026-12-03 13:00:01.500   9.50 s     timed out',
    '  host1   REVERT   IN_PROGRESS   2026-12-03 13:00:11.000',
  ].join('\n'));
  t.is(await historyText(await plainOutput(), [], view), 'No rollouts yet.');
});
