/** `helios deploy / undeploy / start / stop / job / history / hosts / register / deregister` against a real master (no agent). */
import { execFile } from 'node:child_process';
import test from 'ava';
import { masterWithHosts, type TestMaster } from './harness/master.js';
import { spawnProcess } from './harness/processes.js';
import { CLI_BIN, ensureCliBuilt, helios, tableRows } from './cliHarness.js';

const create = async (m: TestMaster, ...args: string[]) => (await helios(m, ['create', ...args])).lastLine;

test('deploy prints the Deployment line and one result per host; twice is JOB_ALREADY_DEPLOYED and exits 1', async (t) => {
  const m = await masterWithHosts(t, ['h1', 'h2']);
  const id = await create(m, 'web:1', 'busybox:latest');
  const r = await helios(m, ['deploy', 'web:1', 'h1']);
  t.is(r.code, 0, r.stderr);
  t.is(r.stderr, `Deploying Deployment{jobId=${id}, goal=START} on [h1]\n`);
  t.is(r.stdout, 'h1: done\n');

  const twice = await helios(m, ['deploy', 'web', 'h1', 'h2']);
  t.is(twice.code, 1);
  t.is(twice.stdout, 'h1: failed: JOB_ALREADY_DEPLOYED\nh2: done\n');
  t.deepEqual(Object.keys((await m.client.jobs.status(id)).deployments).sort(), ['h1', 'h2']);
});

test('deploy to an unknown host fails for that host with HOST_NOT_FOUND', async (t) => {
  const m = await masterWithHosts(t, ['h1']);
  await create(m, 'web:1', 'busybox:latest');
  const r = await helios(m, ['deploy', 'web:1', 'nohost', 'h1']);
  t.is(r.code, 1);
  t.regex(r.stdout, /^nohost: failed: HOST_NOT_FOUND \(.*nohost.*\)\nh1: done\n$/);
});

test('deploy --watch --interval S (Helios\' JobDeployCommand) looks every S seconds until --timeout; a bad S exits 1 before deploying', async (t) => {
  const m = await masterWithHosts(t, ['h1']);
  const id = await create(m, 'web:1', 'busybox:latest');
  const bad = await helios(m, ['deploy', 'web:1', 'h1', '--watch', '--interval', '0']);
  t.is(bad.code, 1);
  t.is(bad.stderr.trim(), "helios: --interval must be a positive number of seconds, got '0'");
  t.deepEqual((await m.client.jobs.status(id)).deployments, {});
  // No agent: the task never leaves its first state, so the watch ends at --timeout.
  const r = await helios(m, ['deploy', 'web:1', 'h1', '--watch', '--interval', '1', '--timeout', '2']);
  t.is(r.code, 1);
  t.regex(r.stdout, /^h1: done\n/);
  t.regex(r.stderr, /timed out after 2 s waiting for RUNNING on h1/);
});

test('deploy --no-start deploys with goal STOP; start and stop set the goal', async (t) => {
  const m = await masterWithHosts(t, ['h1']);
  const id = await create(m, 'web:1', 'busybox:latest');
  const r = await helios(m, ['deploy', 'web:1', 'h1', '--no-start']);
  t.is(r.stderr, `Deploying Deployment{jobId=${id}, goal=STOP} on [h1]\n`);
  t.is((await m.client.deployments.get('h1', id)).goal, 'STOP');
  const start = await helios(m, ['start', 'web:1', 'h1']);
  t.is(start.code, 0, start.stderr);
  t.is(start.stderr, `Starting ${id} on [h1]\n`);
  t.is(start.stdout, 'h1: done\n');
  t.is((await m.client.deployments.get('h1', id)).goal, 'START');
  const stop = await helios(m, ['stop', 'web:1', 'h1', '--json']);
  t.deepEqual(stop.json(), { jobId: id, goal: 'STOP', hosts: ['h1'], results: [{ host: 'h1', status: 'OK', message: null }] });
  t.is((await m.client.deployments.get('h1', id)).goal, 'STOP');
  const notDeployed = await helios(m, ['start', 'web:1', 'h2']);
  t.is(notDeployed.code, 1);
  t.regex(notDeployed.stdout, /^h2: failed: (JOB_NOT_DEPLOYED|HOST_NOT_FOUND) /);
});

test('deploy --json reports every host with stable keys', async (t) => {
  const m = await masterWithHosts(t, ['h1']);
  const id = await create(m, 'web:1', 'busybox:latest');
  await helios(m, ['deploy', 'web:1', 'h1']);
  const r = await helios(m, ['deploy', 'web:1', 'h1', '--json']);
  t.is(r.code, 1);
  const body = r.json<{ results: { message: string }[] }>();
  t.deepEqual(Object.keys(body), ['jobId', 'goal', 'hosts', 'results']);
  t.like(body, { jobId: id, goal: 'START', hosts: ['h1'], results: [{ host: 'h1', status: 'JOB_ALREADY_DEPLOYED' }] });
  t.is(typeof body.results[0].message, 'string');
  t.is(r.stderr, '');
});

test('a job with a token: deploy without it is FORBIDDEN, with --token it works', async (t) => {
  const m = await masterWithHosts(t, ['h1']);
  await create(m, 'web:1', 'busybox:latest', '--token', 'tok');
  const r = await helios(m, ['deploy', 'web:1', 'h1']);
  t.is(r.code, 1);
  t.regex(r.stdout, /^h1: failed: FORBIDDEN \(job web:1:\w+ has a token: pass the matching token to change it \(--token\)\)\n$/);
  const ok = await helios(m, ['deploy', 'web:1', 'h1', '--token', 'tok']);
  t.is(ok.code, 0, ok.stdout);
  const undeploy = await helios(m, ['undeploy', 'web:1', 'h1']);
  t.is(undeploy.code, 1);
  t.regex(undeploy.stdout, /^h1: failed: FORBIDDEN /);
});

test('undeploy prints the Undeploying line and h: done; --all asks, and refuses to ask without a terminal', async (t) => {
  const m = await masterWithHosts(t, ['h1', 'h2', 'h3']);
  const id = await create(m, 'web:1', 'busybox:latest');
  await helios(m, ['deploy', 'web:1', 'h1', 'h2', 'h3']);
  const r = await helios(m, ['undeploy', 'web:1', 'h1']);
  t.is(r.code, 0, r.stderr);
  t.is(r.stderr, `Undeploying ${id} from [h1]\n`
    + 'The container is given 120 s to stop after SIGTERM before it is killed; until it is removed, helios job shows goal UNDEPLOY.\n');
  t.is(r.stdout, 'h1: done\n');

  const refused = await helios(m, ['undeploy', 'web:1', '--all']);
  t.is(refused.code, 1);
  t.regex(refused.stderr, /stdin is not a terminal.*use --yes/);
  t.deepEqual(Object.keys((await m.client.jobs.status(id)).deployments).sort(), ['h2', 'h3']);

  const all = await helios(m, ['undeploy', 'web:1', '-a', '--yes', '--json']);
  t.is(all.code, 0, all.stderr);
  t.deepEqual(all.json(), { jobId: id, hosts: ['h2', 'h3'], results: [
    { host: 'h2', status: 'OK', message: null }, { host: 'h3', status: 'OK', message: null }] });
  t.deepEqual((await m.client.jobs.status(id)).deployments, {});

  const neither = await helios(m, ['undeploy', 'web:1']);
  t.is(neither.code, 1);
  t.regex(neither.stderr, /name the hosts to undeploy from, or use --all/);
  const notThere = await helios(m, ['undeploy', 'web:1', 'h1']);
  t.is(notThere.code, 1);
  t.regex(notThere.stdout, /^h1: failed: JOB_NOT_DEPLOYED/);
});

test('job shows one row per host with goal and state; --host filters; --json is the master\'s JobStatus', async (t) => {
  const m = await masterWithHosts(t, ['h1', 'h2']);
  const id = await create(m, 'web:1', 'busybox:latest', '--env', 'FOO=bar', '--', 'sleep', '100');
  await helios(m, ['deploy', 'web:1', 'h1', 'h2']);
  const r = await helios(m, ['job', 'web:1']);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(tableRows(r.stdout), [
    ['JOB ID', 'HOST', 'GOAL', 'STATE', 'CONTAINER ID', 'PORTS', 'THROTTLED?', 'COMMAND', 'ENVIRONMENT', 'REASON'],
    [id, 'h1', 'START', '-', 'sleep 100', 'FOO=bar'],
    [id, 'h2', 'START', '-', 'sleep 100', 'FOO=bar'],
  ]);
  const one = await helios(m, ['status', 'web:1', '--host', 'h2']);
  t.is(tableRows(one.stdout).length, 2);
  const json = await helios(m, ['job', 'web:1', '--json']);
  const body = json.json<Record<string, { job: { id: string }; deployments: object; taskStatuses: object }>>();
  t.deepEqual(Object.keys(body), [id]);
  t.deepEqual(Object.keys(body[id]).sort(), ['deployments', 'job', 'taskStatuses']);
  t.deepEqual(Object.keys(body[id].deployments).sort(), ['h1', 'h2']);
  const all = await helios(m, ['job', '--json']);
  t.deepEqual(Object.keys(all.json<object>()), [id]);
});

test('history of a job never started prints only the header; --json has jobId and events', async (t) => {
  const m = await masterWithHosts(t, []);
  const id = await create(m, 'web:1', 'busybox:latest');
  const r = await helios(m, ['history', 'web:1']);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, 'HOST   TIMESTAMP   STATE   THROTTLED   CONTAINERID   REASON\n');
  t.deepEqual((await helios(m, ['history', 'web:1', '--json'])).json(), { jobId: id, events: [] });
});

test('hosts lists registered hosts as Down; -q, --status, pattern and --json', async (t) => {
  const m = await masterWithHosts(t, ['alpha', 'beta']);
  const r = await helios(m, ['hosts']);
  t.is(r.code, 0, r.stderr);
  const rows = tableRows(r.stdout);
  t.deepEqual(rows[0], ['HOST', 'STATUS', 'DEPLOYED', 'RUNNING', 'CPUS', 'MEM', 'LOAD AVG', 'MEM USAGE', 'OS', 'HELIOS', 'DOCKER', 'LABELS']);
  t.deepEqual(rows.slice(1).map((row) => row.slice(0, 4)), [['alpha', 'Down', '0', '0'], ['beta', 'Down', '0', '0']]);
  t.is((await helios(m, ['hosts', '-q'])).stdout, 'alpha\nbeta\n');
  t.is((await helios(m, ['hosts', '-q', '--status', 'UP'])).stdout, '');
  t.is((await helios(m, ['hosts', '-q', '--status', 'down'])).stdout, 'alpha\nbeta\n');
  t.is((await helios(m, ['hosts', 'alp', '-q'])).stdout, 'alpha\n');
  // As in Helios (HostListCommand), selectors that match no host exit 1, as a pattern does.
  const noLabel = await helios(m, ['hosts', '-q', '-s', 'role = web']);
  t.is(noLabel.code, 1);
  t.is(noLabel.stdout, '');
  t.is(noLabel.stderr, 'helios: selector role = web matched no hosts\n');
  const none = await helios(m, ['hosts', 'zzz']);
  t.is(none.code, 1);
  t.is(none.stderr, 'helios: host pattern zzz matched no hosts\n');
  const bad = await helios(m, ['hosts', '--status', 'SIDEWAYS']);
  t.is(bad.code, 1);
  t.regex(bad.stderr, /--status must be UP or DOWN/);
  const json = await helios(m, ['hosts', '--json']);
  const body = json.json<Record<string, { status: string }>>();
  t.deepEqual(Object.keys(body), ['alpha', 'beta']);
  t.is(body.alpha.status, 'DOWN');
  t.deepEqual((await helios(m, ['hosts', '-q', '--json'])).json(), ['alpha', 'beta']);
});

test('register and deregister a host', async (t) => {
  const m = await masterWithHosts(t, []);
  const r = await helios(m, ['register', 'h9', 'agent-id-9']);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, 'h9: done\n');
  t.deepEqual(await m.client.hosts.list(), ['h9']);
  const json = await helios(m, ['register', 'h8', 'agent-id-8', '--json']);
  t.deepEqual(json.json(), { host: 'h8', id: 'agent-id-8', status: 'OK' });
  await m.client.hosts.deregister('h8');
  const refused = await helios(m, ['deregister', 'h9']);
  t.is(refused.code, 1);
  t.regex(refused.stderr, /use --yes/);
  const deregistered = await helios(m, ['deregister', 'h9', '--yes', '--json']);
  t.is(deregistered.code, 0, deregistered.stderr);
  t.deepEqual(deregistered.json(), { host: 'h9', status: 'OK' });
  t.deepEqual(await m.client.hosts.list(), []);
  const missing = await helios(m, ['deregister', 'h9', '--yes']);
  t.is(missing.code, 1);
  t.is(missing.stderr, 'Deregistering host h9\nhelios: host h9 not found; no host has registered yet (start helios-agent on it, or npm start here)\n');
});

test('watch --json prints one JSON line per change and exits 0 on SIGINT', async (t) => {
  const m = await masterWithHosts(t, ['h1']);
  const id = await create(m, 'web:1', 'busybox:latest');
  await ensureCliBuilt();
  const watch = spawnProcess(process.execPath, [CLI_BIN, 'watch', 'web:1', 'h1', '-n', '0.1', '--json'], { env: { HELIOS_MASTER: m.url } });
  t.teardown(() => watch.kill('SIGKILL'));
  await watch.waitForOutput(/"deployed":false/, 30_000);
  await m.client.deployments.deploy('h1', id);
  await watch.waitForOutput(/"goal":"START"/, 30_000);
  t.is((await watch.kill('SIGINT')).code, 0);
  const lines = watch.stdout.trim().split('\n').map((line) => JSON.parse(line) as { time: number; tasks: object[] });
  t.is(lines.length, 2, watch.stdout);
  t.deepEqual(Object.keys(lines[0]), ['time', 'tasks']);
  const none = { state: null, throttled: null, containerId: null, containerError: null, healthCheckError: null, pullProgress: null };
  t.deepEqual(lines[0].tasks, [{ jobId: id, host: 'h1', deployed: false, goal: null, ...none }]);
  t.deepEqual(lines[1].tasks, [{ jobId: id, host: 'h1', deployed: true, goal: 'START', ...none }]);
});

/* eslint-disable no-control-regex -- the test looks for ANSI colour codes */
test('on a terminal states are coloured; piped, or with NO_COLOR, they are plain', async (t) => {
  const m = await masterWithHosts(t, ['h1']);
  await ensureCliBuilt();
  const underTerminal = (env: Record<string, string>) => new Promise<string>((resolve, reject) => {
    // script(1) gives the command a pseudo-terminal as stdout.
    execFile('script', ['-qec', `${process.execPath} ${CLI_BIN} hosts`, '/dev/null'],
      { env: { ...process.env, HELIOS_MASTER: m.url, TERM: 'xterm-256color', ...env } },
      (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
  t.regex(await underTerminal({}), /\x1b\[31mDown\x1b\[39m/);
  t.notRegex(await underTerminal({ NO_COLOR: '1' }), /\x1b\[/);
  t.notRegex((await helios(m, ['hosts'], { env: { TERM: 'xterm-256color' } })).stdout, /\x1b\[/);
});
