/**
 * A crafted job cannot drive an operator's terminal (review L5, kubectl's CVE-2021-25743): its
 * command, env, container error and health-check error carry escape sequences, and every command that
 * shows them prints `\u001b`-style escapes instead; `--json` stays exact JSON of the same strings.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { heartbeatBody, startTestMaster } from './harness/master.js';
import { CLI_BIN, ensureCliBuilt, helios, ROOT } from './cliHarness.js';

// Retitle the window, clear the screen, a C1 CSI, a carriage return that overwrites the line.
const HOSTILE = 'ok\u001b]0;owned\u0007\u001b[2J\u009b31m\rX';
const ESCAPED = 'ok\\u001b]0;owned\\u0007\\u001b[2J\\u009b31m\\u000dX';
// Every control character but the line feed (lines) and ESC (counted apart: none may be left).
// eslint-disable-next-line no-control-regex -- the characters that must not reach the terminal raw
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

test('inspect, jobs, job, history and watch escape the control characters of a job and its statuses; --json keeps them exact', async (t) => {
  const m = await startTestMaster();
  t.teardown(m.close);
  const { id } = await m.client.jobs.create({ id: 'crafted:1', image: 'busybox:latest', command: ['sh', '-c', HOSTILE], env: { NOTE: HOSTILE } });
  await m.client.hosts.register('h1', 'agent-1');
  await m.client.agents.heartbeat('h1', heartbeatBody('agent-1'));
  await m.client.deployments.deploy('h1', id);
  const status = (state: 'FAILED' | 'HEALTHCHECKING', timestamp: number) => ({ timestamp, status: {
    jobId: id, goal: 'START' as const, state, containerId: null, throttled: 'NO' as const, ports: {}, env: { NOTE: HOSTILE },
    containerError: state === 'FAILED' ? HOSTILE : null, ...(state === 'HEALTHCHECKING' ? { healthCheckError: HOSTILE } : {}),
  } });
  await m.client.agents.reportStatuses('h1', { id: 'agent-1', updates: [status('HEALTHCHECKING', Date.now() - 1000), status('FAILED', Date.now())], removed: [] });

  for (const args of [['inspect', id], ['jobs', '--full'], ['job', id], ['history', id]]) {
    const r = await helios(m, args);
    t.is(r.code, 0, `${args[0]}: ${r.stderr}`);
    t.false(RAW_CONTROL.test(r.stdout) || r.stdout.includes('\u001b'), `${args[0]} printed a control character: ${JSON.stringify(r.stdout)}`);
    t.true(r.stdout.includes(ESCAPED), `${args[0]} shows the escapes: ${r.stdout}`);
  }

  const inspected = await helios(m, ['inspect', id, '--json']);
  t.false(RAW_CONTROL.test(inspected.stdout) || inspected.stdout.includes('\u001b'));
  t.like(inspected.json(), { command: ['sh', '-c', HOSTILE], env: { NOTE: HOSTILE } });
  const history = await helios(m, ['history', id, '--json']);
  t.false(RAW_CONTROL.test(history.stdout));
  t.true(JSON.stringify(history.json()).includes(JSON.stringify(HOSTILE)), 'the history keeps the exact string');

  // watch runs until stopped: its first table is enough.
  await ensureCliBuilt();
  const watch = spawn(process.execPath, [CLI_BIN, 'watch', id, '-n', '60'], { cwd: ROOT, env: { ...process.env, HELIOS_MASTER: m.url } });
  t.teardown(() => watch.kill('SIGKILL'));
  let watched = '';
  await new Promise<void>((resolve, reject) => {
    watch.stdout.on('data', (chunk: Buffer) => {
      watched += chunk.toString();
      if (watched.includes('REASON') && watched.includes('\n', watched.indexOf('h1'))) resolve();
    });
    watch.on('exit', (code) => reject(new Error(`watch exited ${code}: ${watched}`)));
  });
  t.false(RAW_CONTROL.test(watched) || watched.includes('\u001b'), JSON.stringify(watched));
  t.true(watched.includes(ESCAPED), watched);
});
