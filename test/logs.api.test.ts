/**
 * GET /jobs/:id/logs on the real Docker engine, through a real master and agent over the agent's
 * channel (master/README.md, "Logs and exec").
 */
import test from 'ava';
import { request, type IncomingMessage } from 'node:http';
import type { LogRecord } from '../core/index.js';
import { deployJob, startMasterFor, startTestAgent, waitForState } from './harness/agent.js';
import { waitFor } from './harness/processes.js';

/** Reads an NDJSON answer until it ends or `until` says enough; the records read. */
function readLogs(url: string, opts: { until?: (records: LogRecord[]) => boolean; headers?: Record<string, string> } = {}) {
  return new Promise<{ status: number; records: LogRecord[]; body: string }>((resolve, reject) => {
    const records: LogRecord[] = [];
    let body = '';
    const req = request(url, { headers: opts.headers }, (res) => {
      let partial = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        const lines = (partial + chunk).split('\n');
        partial = lines.pop()!;
        if (res.statusCode === 200) for (const line of lines) records.push(JSON.parse(line) as LogRecord);
        if (opts.until?.(records)) {
          req.destroy();
          resolve({ status: res.statusCode!, records, body });
        }
      });
      res.on('end', () => resolve({ status: res.statusCode!, records, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const lines = (records: LogRecord[]) => records.flatMap((r) => ('line' in r ? [`${r.stream}:${r.line}`] : []));

test('logs with tail of a container that printed known lines, stdout and stderr', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master);
  const jobId = await deployJob(master, agent.name, { name: 'printer', command: ['sh', '-c', 'for i in 1 2 3 4 5; do echo line$i; done; echo oops >&2; exec sleep 1000'] });
  await waitForState(master, jobId, agent.name, 'RUNNING');
  const url = `${master.url}/jobs/${encodeURIComponent(jobId)}/logs`;
  const all = await waitFor(async () => {
    const r = await readLogs(url);
    return lines(r.records).length === 6 ? r : undefined;
  }, { message: 'all six lines' });
  t.is(all.status, 200);
  // Docker copies a container's stdout and stderr pipes apart: each stream's lines are in order, not the two together.
  t.deepEqual(lines(all.records).filter((l) => l.startsWith('stdout:')), ['stdout:line1', 'stdout:line2', 'stdout:line3', 'stdout:line4', 'stdout:line5']);
  t.deepEqual(lines(all.records).filter((l) => l.startsWith('stderr:')), ['stderr:oops']);
  t.deepEqual(all.records.at(-1), { host: agent.name, event: 'end' });
  const tail = await readLogs(`${url}?tail=2`);
  t.deepEqual(lines(tail.records).sort(), lines(all.records).slice(-2).sort());
  t.true(tail.records.every((r) => r.host === agent.name));
  // As docker logs: the tail is taken of both streams, then one is chosen.
  t.deepEqual(lines((await readLogs(`${url}?tail=3&stream=stdout`)).records), lines(all.records).slice(-3).filter((l) => l.startsWith('stdout:')));
  t.deepEqual(lines((await readLogs(`${url}?stream=stderr`)).records), ['stderr:oops']);
});

test('a client that stops reading holds back its own stream only: another client of the same container reads it all meanwhile, and the first then gets every line', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master);
  const count = 100_000;
  const jobId = await deployJob(master, agent.name, { name: 'flood', command: ['sh', '-c', `yes ${'y'.repeat(80)} | head -n ${count}; echo flood-end; exec sleep 1000`] });
  await waitForState(master, jobId, agent.name, 'RUNNING');
  const url = `${master.url}/jobs/${encodeURIComponent(jobId)}/logs`;
  await waitFor(async () => (await readLogs(`${url}?tail=1`)).body.includes('flood-end'), { message: 'the flood printed' });
  // The slow client reads its answer's first bytes, then nothing.
  let slowBytes = 0;
  let slowRes: IncomingMessage | undefined;
  let slowEnded = false;
  const slowDone = new Promise<string>((resolve) => {
    request(url, (res) => {
      slowRes = res;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { slowBytes += chunk.length; body += chunk; });
      res.once('data', () => res.pause());
      res.on('end', () => { slowEnded = true; resolve(body); });
    }).end();
  });
  await waitFor(() => slowBytes > 0, { message: 'the slow client\'s first bytes' });
  const fast = await readLogs(url);
  t.is(lines(fast.records).length, count + 1);
  t.false(slowEnded, 'the paused client\'s answer was still open when the other one had every line');
  slowRes!.resume();
  const slow = (await slowDone).trimEnd().split('\n').map((l) => JSON.parse(l) as LogRecord);
  t.is(lines(slow).length, count + 1);
});
