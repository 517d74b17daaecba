/**
 * Why a task is in its state, seen where users look: `helios job`, `helios history`, `helios watch`,
 * solo's progress lines and the agent log. Real agent, real Docker, the real `helios` command.
 */
import { createServer, type AddressInfo } from 'node:net';
import test from 'ava';
import type { TaskStatus } from '../core/index.js';
import { watchProgress } from '../cli/solo/progress.js';
import { capturedOutput } from './harness/capturedOutput.js';
import { deployJob, startMasterFor, startTestAgent, waitForState, waitForStatus } from './harness/agent.js';
import { spawnProcess, waitFor } from './harness/processes.js';
import { CLI_BIN, ensureCliBuilt, helios, tableRows } from './cliHarness.js';

const jobRow = async (master: { url: string }, ref: string) => tableRows((await helios(master, ['job', ref])).stdout).slice(1)[0];
const logsOf = (agent: { logs: Array<Record<string, unknown>> }, jobId: string, msg: string) =>
  agent.logs.filter((l) => l.jobId === jobId && l.msg === msg);

test('a task whose health check never passes shows the last failure in helios job, history and watch, and the agent logs it once', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master, { healthBackoff: { baseMs: 100, maxMs: 400, giveUpMs: 0 } });
  // Nothing listens on 8080 inside: the published port never answers.
  const jobId = await deployJob(master, agent.name, {
    name: 'unready', command: ['sleep', '1000'], ports: { http: { internalPort: 8080 } }, healthCheck: { type: 'http', port: 'http', path: '/' },
  });
  const checking = await waitForStatus(master, jobId, agent.name, (s) => s.state === 'HEALTHCHECKING' && !!s.healthCheckError,
    { message: 'HEALTHCHECKING with a reason' });
  const port = checking.ports.http.externalPort;
  t.regex(checking.healthCheckError!, new RegExp(`^GET http://127\\.0\\.0\\.1:${port}/: `));
  t.is(checking.containerError, null);

  const row = await jobRow(master, 'unready:1');
  t.deepEqual(row.slice(1, 4), [agent.name, 'START', 'HEALTHCHECKING']);
  t.true(row.includes(`http=127.0.0.1:${port}->8080/tcp`), `ports as docker ps prints them: ${row.join(' | ')}`);
  t.regex(row.at(-1)!, new RegExp(`^health check: GET http://127\\.0\\.0\\.1:${port}/: `));

  const history = tableRows((await helios(master, ['history', 'unready:1'])).stdout);
  t.deepEqual(history[0], ['HOST', 'TIMESTAMP', 'STATE', 'THROTTLED', 'CONTAINERID', 'REASON']);
  t.true(history.some((r) => r[2] === 'HEALTHCHECKING' && /^health check: GET /.test(r.at(-1)!)), history.map((r) => r.join(' | ')).join('\n'));

  await ensureCliBuilt();
  const watch = spawnProcess(process.execPath, [CLI_BIN, 'watch', 'unready:1', agent.name, '-n', '0.2'], { env: { HELIOS_MASTER: master.url } });
  t.teardown(() => watch.kill('SIGKILL'));
  await watch.waitForOutput(new RegExp(`${agent.name} +HEALTHCHECKING +NO +health check: GET http://127\\.0\\.0\\.1:${port}/: `), 30_000);
  t.is((await watch.kill('SIGINT')).code, 0);

  await waitFor(() => logsOf(agent, jobId, 'health check failed').length >= 4, { message: 'several failed checks' });
  const failing = logsOf(agent, jobId, 'health check failing');
  t.is(failing.length, 1, 'logged when it starts failing, not on every probe');
  t.is(failing[0].reason, checking.healthCheckError);
  t.is(failing[0].level, 30);
});

test('a health check that fails, then passes: RUNNING without the reason, logged once each way', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master, { healthBackoff: { baseMs: 200, maxMs: 400 } });
  const jobId = await deployJob(master, agent.name, {
    name: 'slow',
    command: ['sh', '-c', 'sleep 2; mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www'],
    ports: { http: { internalPort: 8080 } },
    healthCheck: { type: 'http', port: 'http', path: '/' },
  });
  const running = await waitForState(master, jobId, agent.name, 'RUNNING');
  t.false('healthCheckError' in running, 'cleared once healthy');
  const events = (await master.client.jobs.history(jobId)).events.map((e) => e.status);
  t.true(events.some((s) => s.state === 'HEALTHCHECKING' && !!s.healthCheckError));
  t.true(events.filter((s) => s.state !== 'HEALTHCHECKING').every((s) => s.healthCheckError === undefined), 'only HEALTHCHECKING carries it');
  t.is(logsOf(agent, jobId, 'health check failing').length, 1);
  t.is(logsOf(agent, jobId, 'health check passing').length, 1);
  t.is((await jobRow(master, 'slow:1')).at(-1)!.startsWith('health check'), false, 'no REASON once RUNNING');
});

test('a failed container\'s error is shown in helios job, history and solo\'s lines, and the states after it do not carry it', async (t) => {
  const master = await startMasterFor(t);
  const out = capturedOutput();
  const startedAt = Date.now();
  const agent = await startTestAgent(t, master, { restartPolicy: { normalDelayMs: 200, failureMaxDelayMs: 400 } });
  const progress = watchProgress(master.client, { host: agent.name, source: null, startedAt }, out);
  t.teardown(() => progress.stop());
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  t.teardown(() => { if (squatter.listening) squatter.close(); });
  const port = (squatter.address() as AddressInfo).port;
  const jobId = await deployJob(master, agent.name, {
    name: 'clash', command: ['sh', '-c', 'mkdir -p /www && exec httpd -f -p 8080 -h /www'],
    ports: { http: { ip: '127.0.0.1', internalPort: 8080, externalPort: port } },
  });
  const failed = await waitForStatus(master, jobId, agent.name, (s) => s.state === 'FAILED' && !!s.containerError, { message: 'FAILED with an error' });
  // Docker names the endpoint of each attempt in the message; the port and the cause stay.
  const error = new RegExp(`127\\.0\\.0\\.1:${port}.*address already in use|${port}.*already allocated`);
  t.regex(failed.containerError!, error);

  const row = await waitFor(async () => {
    const r = await jobRow(master, 'clash:1');
    return r[3] === 'FAILED' ? r : undefined;
  }, { message: 'helios job shows FAILED' });
  t.regex(row.at(-1)!, error);
  const history = tableRows((await helios(master, ['history', 'clash:1'])).stdout);
  t.true(history.some((r) => r[2] === 'FAILED' && error.test(r.at(-1)!)));

  await waitFor(() => out.lines.some((l) => l.includes(': FAILED (')), { message: 'solo prints the FAILED line' });
  await new Promise((resolve) => squatter.close(resolve));
  const running = await waitForState(master, jobId, agent.name, 'RUNNING');
  t.is(running.containerError, null);
  const statuses: TaskStatus[] = (await master.client.jobs.history(jobId)).events.map((e) => e.status);
  t.true(statuses.some((s) => s.state === 'CREATING'), 'retried after the failure');
  for (const s of statuses) t.is(s.containerError !== null, s.state === 'FAILED', `${s.state}: ${s.containerError}`);
  const cause = /address already in use|already allocated/;

  await waitFor(() => out.lines.some((l) => l.includes(': RUNNING')), { message: 'solo prints RUNNING' });
  const mine = out.lines.filter((l) => l.startsWith('clash:1:'));
  t.true(mine.some((l) => l.includes(': FAILED (') && error.test(l)), mine.join('\n'));
  for (const line of mine.filter((l) => !l.includes(': FAILED'))) t.notRegex(line, cause, 'a later state carries the error');
});
