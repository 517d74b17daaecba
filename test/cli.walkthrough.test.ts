/**
 * The user guide, replayed with the real `helios` command against a real master, a real agent and
 * the real Docker engine: create, hosts, deploy, job, history, deploy twice, undeploy, history.
 */
import test from 'ava';
import { startTestAgent } from './harness/agent.js';
import { startTestMaster } from './harness/master.js';
import { spawnProcess, waitFor } from './harness/processes.js';
import { CLI_BIN, ensureCliBuilt, helios, tableRows } from './cliHarness.js';

const LOOP = 'trap "exit 0" TERM; while true; do echo $FOO; sleep 1; done';

test('the user guide: create, hosts, deploy, job, history, deploy twice, undeploy, history', async (t) => {
  const master = await startTestMaster();
  t.teardown(master.close);
  const agent = await startTestAgent(t, master);
  const host = agent.name;

  const foo = await helios(master, ['create', 'foo:v1', 'rohan/memcached-tiny']);
  t.is(foo.lastLine, 'foo:v1:2a89d5a87851d68678aabdad38d31faa296f5bf1');

  const created = await helios(master, ['create', 'testjob:1', 'busybox:latest', '--env', 'FOO=bar', '--seconds-to-wait', '1',
    '--', '/bin/sh', '-c', LOOP]);
  t.is(created.code, 0, created.stderr);
  const id = created.lastLine;
  t.regex(id, /^testjob:1:[0-9a-f]{40}$/);
  t.regex(created.stderr, /^Creating job: \{"id":"testjob:1:[0-9a-f]{40}","image":"busybox:latest","command":\["\/bin\/sh","-c",.*"env":\{"FOO":"bar"\}.*\}\nDone\.\n$/);

  const hosts = await waitFor(async () => {
    const r = await helios(master, ['hosts']);
    const row = tableRows(r.stdout).find((cells) => cells[0] === host);
    return row?.[1].startsWith('Up') ? row : undefined;
  }, { timeoutMs: 30_000, message: 'helios hosts lists the agent Up' });
  t.regex(hosts[1], /^Up \d+ (second|minute)s?$/);

  const deploy = await helios(master, ['deploy', 'testjob:1', host]);
  t.is(deploy.code, 0, deploy.stderr);
  t.is(deploy.stderr, `Deploying Deployment{jobId=${id}, goal=START} on [${host}]\n`);
  t.is(deploy.stdout, `${host}: done\n`);

  const running = await waitFor(async () => {
    const r = await helios(master, ['job', 'testjob:1']);
    const row = tableRows(r.stdout)[1];
    return row?.[3] === 'RUNNING' ? row : undefined;
  }, { timeoutMs: 60_000, message: 'helios job shows RUNNING' });
  const [jobId, rowHost, goal, state, containerId] = running;
  t.deepEqual([jobId, rowHost, goal, state], [id, host, 'START', 'RUNNING']);
  t.regex(containerId, /^[0-9a-f]{12}$/);
  t.is(running.at(-1)!.split(' ').find((kv) => kv.startsWith('FOO=')), 'FOO=bar');

  const history = await helios(master, ['history', 'testjob:1']);
  t.is(history.code, 0, history.stderr);
  const rows = tableRows(history.stdout);
  t.deepEqual(rows[0], ['HOST', 'TIMESTAMP', 'STATE', 'THROTTLED', 'CONTAINERID', 'REASON']);
  const states = rows.slice(1).map((row) => row[2]);
  t.deepEqual(states.filter((s) => ['CREATING', 'STARTING', 'RUNNING'].includes(s)), ['CREATING', 'STARTING', 'RUNNING'], states.join(' '));
  for (const row of rows.slice(1)) {
    t.is(row[0], host);
    t.regex(row[1], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
    t.is(row[3], 'NO');
  }
  t.is(rows.find((row) => row[2] === 'CREATING')![4], '<none>');
  t.is(rows.find((row) => row[2] === 'RUNNING')![4], containerId);

  const twice = await helios(master, ['deploy', 'testjob:1', host]);
  t.is(twice.code, 1);
  t.is(twice.stdout, `${host}: failed: JOB_ALREADY_DEPLOYED\n`);

  const undeploy = await helios(master, ['undeploy', 'testjob:1', host]);
  t.is(undeploy.code, 0, undeploy.stderr);
  t.is(undeploy.stderr, `Undeploying ${id} from [${host}]\n`
    + 'The container is given 1 s to stop after SIGTERM before it is killed; until it is removed, helios job shows goal UNDEPLOY.\n');
  t.is(undeploy.stdout, `${host}: done\n`);

  const after = await waitFor(async () => {
    const r = await helios(master, ['history', 'testjob:1']);
    const last = tableRows(r.stdout).at(-1);
    return last?.[2] === 'STOPPED' ? last : undefined;
  }, { timeoutMs: 60_000, message: 'helios history shows STOPPED' });
  t.is(after[4], containerId);
  t.deepEqual((await helios(master, ['job', 'testjob:1', '--json'])).json<Record<string, { deployments: object }>>()[id].deployments, {});
});

test('deploy --watch follows the states until RUNNING and exits 0', async (t) => {
  const master = await startTestMaster();
  t.teardown(master.close);
  const agent = await startTestAgent(t, master);
  await waitFor(async () => (await master.client.hosts.statuses([agent.name]))[agent.name]?.status === 'UP', { timeoutMs: 30_000 });
  await helios(master, ['create', 'loop:1', 'busybox:latest', '--seconds-to-wait', '1', '--', '/bin/sh', '-c', LOOP]);
  const r = await helios(master, ['deploy', 'loop:1', agent.name, '--watch', '--timeout', '60']);
  t.is(r.code, 0, `${r.stdout}\n${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  t.is(lines[0], `${agent.name}: done`);
  t.regex(lines.at(-1)!, new RegExp(`^${agent.name}: RUNNING \\(container [0-9a-f]{12}\\)$`));
  const states = lines.slice(1).map((line) => line.split(' ')[1]);
  t.deepEqual(states.filter((s) => ['CREATING', 'STARTING', 'RUNNING'].includes(s)), ['CREATING', 'STARTING', 'RUNNING'], lines.join('\n'));

  const json = await helios(master, ['deploy', 'loop:1', agent.name, '--watch', '--json']);
  t.is(json.code, 1, 'already deployed');
  t.like(json.json(), { results: [{ host: agent.name, status: 'JOB_ALREADY_DEPLOYED' }] });
});

test('deploy --watch of an image that cannot be had exits 1 naming the throttle', async (t) => {
  const master = await startTestMaster();
  t.teardown(master.close);
  const agent = await startTestAgent(t, master);
  await waitFor(async () => (await master.client.hosts.statuses([agent.name]))[agent.name]?.status === 'UP', { timeoutMs: 30_000 });
  await helios(master, ['create', 'ghost:1', '127.0.0.1:1/no/such-image:latest']);
  const r = await helios(master, ['deploy', 'ghost:1', agent.name, '--watch', '--timeout', '60', '--json']);
  t.is(r.code, 1, `${r.stdout}\n${r.stderr}`);
  const body = r.json<{ tasks: Record<string, { state: string; throttled: string }> }>();
  const task = body.tasks[agent.name];
  t.true(task.state === 'FAILED' || task.throttled === 'IMAGE_MISSING' || task.throttled === 'IMAGE_PULL_FAILED', JSON.stringify(task));
});

test('watch prints the table when it changes (piped) and exits 0 on Ctrl-C', async (t) => {
  const master = await startTestMaster();
  t.teardown(master.close);
  const agent = await startTestAgent(t, master);
  await waitFor(async () => (await master.client.hosts.statuses([agent.name]))[agent.name]?.status === 'UP', { timeoutMs: 30_000 });
  const id = (await helios(master, ['create', 'w:1', 'busybox:latest', '--seconds-to-wait', '1', '--', '/bin/sh', '-c', LOOP])).lastLine;
  await ensureCliBuilt();
  const watch = spawnProcess(process.execPath, [CLI_BIN, 'watch', 'w:1', agent.name, '-n', '0.2'], { env: { HELIOS_MASTER: master.url } });
  t.teardown(() => watch.kill('SIGKILL'));
  await watch.waitForOutput(new RegExp(`${agent.name} +NOT DEPLOYED`), 30_000);
  await master.client.deployments.deploy(agent.name, id);
  await watch.waitForOutput(new RegExp(`w:1:\\w+ +${agent.name} +RUNNING +NO`), 60_000);
  const exit = await watch.kill('SIGINT');
  t.is(exit.code, 0);
  const tables = watch.stdout.trim().split('\n\n');
  t.true(tables.length >= 2);
  for (const table of tables) t.regex(table, /^JOB +HOST +STATE +THROTTLED\? +REASON\n/);
  t.is(watch.stderr, '');
});
