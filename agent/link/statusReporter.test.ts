import test from 'ava';
import type { StatusReport, TaskUpdate } from '../../core/index.js';
import { createStatusReporter } from './statusReporter.js';

const update = (jobId: string, state: TaskUpdate['status']['state']): TaskUpdate => ({
  timestamp: Date.now(),
  status: { jobId, goal: 'START', state, containerId: null, throttled: 'NO', ports: {}, env: {}, containerError: null },
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('updates in a burst go in few POSTs, in order; nothing is lost while the master is away', async (t) => {
  const sent: StatusReport[] = [];
  let up = false;
  const reporter = createStatusReporter({
    send: async (r) => { if (!up) throw new Error('down'); sent.push(r); },
    batchMs: 20, retryMs: 10, maxRetryMs: 40, onSendError: () => {}, onSendOk: () => {},
  });
  for (const state of ['PULLING_IMAGE', 'CREATING', 'STARTING', 'RUNNING'] as const) reporter.push(update('a', state));
  reporter.removed('b');
  await sleep(100);
  t.is(sent.length, 0);
  up = true;
  reporter.retryNow();
  await sleep(100);
  t.is(sent.length, 1, 'one POST once the master is back');
  t.deepEqual(sent[0].updates.map((u) => u.status.state), ['PULLING_IMAGE', 'CREATING', 'STARTING', 'RUNNING']);
  t.deepEqual(sent[0].removed, ['b']);
  await reporter.stop();
});

test('an update after a quiet window is sent at once; a burst right after it waits for the window', async (t) => {
  const sentAt: number[] = [];
  const reporter = createStatusReporter({
    send: async () => { sentAt.push(Date.now()); }, batchMs: 50, retryMs: 10, maxRetryMs: 10, onSendError: () => {}, onSendOk: () => {},
  });
  const start = Date.now();
  reporter.push(update('a', 'PULLING_IMAGE'));
  await sleep(5);
  reporter.push(update('a', 'CREATING'));
  reporter.push(update('a', 'STARTING'));
  await sleep(120);
  t.is(sentAt.length, 2);
  t.true(sentAt[0] - start < 20);
  t.true(sentAt[1] - sentAt[0] >= 45);
  await reporter.stop();
});
