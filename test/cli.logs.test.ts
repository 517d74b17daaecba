/**
 * `helios logs` on the real Docker engine: real master, real agents (in-process, and a helios-agent
 * process where one is killed), the real CLI. Timings are asserted in bench/logs.ts, not here.
 */
import test from 'ava';
import { CLI_BIN, ensureCliBuilt, helios } from './cliHarness.js';
import { dockerClient, deployJob, spawnAgentProcess, startMasterFor, startTestAgent, uniqueName, removeAgentContainers, agentContainers, waitForState } from './harness/agent.js';
import { spawnProcess, tempDir, waitFor } from './harness/processes.js';
import { createTestDatabase } from './harness/postgres.js';

/** Makes the task's container print `line` on its standard output, as its own process would. */
async function print(agentName: string, line: string): Promise<void> {
  const [container] = (await agentContainers(agentName)).filter((c) => c.State === 'running');
  const exec = await dockerClient().getContainer(container.Id).exec({ Cmd: ['sh', '-c', `echo ${line} > /proc/1/fd/1`] });
  const stream = await exec.start({});
  await new Promise((resolve) => { stream.on('end', resolve); stream.resume(); });
}

const quiet = (name: string) => ({ name, command: ['sh', '-c', 'echo started; exec sleep 1000'] });

function followLogs(master: { url: string }, args: string[]) {
  return spawnProcess(process.execPath, [CLI_BIN, 'logs', ...args], { env: { HELIOS_MASTER: master.url, HELIOS_TOKEN: '' } });
}

test.before(ensureCliBuilt);

test('logs --tail prints the last lines a container printed, prefixed by its host; --json one record per line', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master);
  const jobId = await deployJob(master, agent.name, { name: 'counter', command: ['sh', '-c', 'for i in 1 2 3 4 5 6; do echo n$i; done; exec sleep 1000'] });
  await waitForState(master, jobId, agent.name, 'RUNNING');
  const r = await waitFor(async () => {
    const run = await helios(master, ['logs', 'counter', '--tail', '3']);
    return run.stdout.includes('n6') ? run : undefined;
  });
  t.is(r.code, 0, r.stderr);
  t.deepEqual(r.stdout.trimEnd().split('\n'), [`${agent.name} | n4`, `${agent.name} | n5`, `${agent.name} | n6`]);
  const json = await helios(master, ['logs', 'counter', '--tail', '1', '--json']);
  const records = json.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
  t.like(records.find((rec) => 'line' in rec), { host: agent.name, stream: 'stdout', line: 'n6' });
  t.regex(records.find((rec) => 'line' in rec)!.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  t.like(records.at(-1), { host: agent.name, event: 'end' });
  const stamped = await helios(master, ['logs', 'counter', '--tail', '1', '-t']);
  t.regex(stamped.stdout, new RegExp(`^${agent.name} \\| \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z n6\\n$`));
});

test('logs -f prints a line the container prints after it started following, after the earlier ones', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master);
  const jobId = await deployJob(master, agent.name, quiet('follow'));
  await waitForState(master, jobId, agent.name, 'RUNNING');
  const cli = followLogs(master, ['follow', '-f']);
  t.teardown(() => cli.kill('SIGKILL'));
  await cli.waitForOutput(/\| started\n/, 20_000);
  await print(agent.name, 'fresh-line');
  await cli.waitForOutput(/\| fresh-line\n/);
  t.deepEqual(cli.stdout.trimEnd().split('\n'), [`${agent.name} | started`, `${agent.name} | fresh-line`]);
  const exit = await cli.kill('SIGINT');
  t.is(exit.code, 0, cli.stderr);
});

test('logs -f follows the container through a restart: the lines after it follow, none twice', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master);
  const jobId = await deployJob(master, agent.name, { name: 'restarts', command: ['sh', '-c', 'echo boot-$(cat /proc/sys/kernel/random/uuid); exec sleep 1000'] });
  await waitForState(master, jobId, agent.name, 'RUNNING');
  const cli = followLogs(master, ['restarts', '-f']);
  t.teardown(() => cli.kill('SIGKILL'));
  await cli.waitForOutput(/\| boot-/, 20_000);
  const [container] = await agentContainers(agent.name);
  await dockerClient().getContainer(container.Id).kill();
  // The agent starts the same container again (about a second later): its new boot line follows.
  await cli.waitForOutput(/\| boot-.*\n.*\| boot-/, 20_000);
  await print(agent.name, 'after-restart');
  await cli.waitForOutput(/\| after-restart\n/);
  const lines = cli.stdout.trimEnd().split('\n');
  t.is(lines.length, 3, cli.stdout);
  t.regex(lines[0], /\| boot-/);
  t.regex(lines[1], /\| boot-/);
  t.not(lines[0], lines[1]);
  t.is(lines[2], `${agent.name} | after-restart`);
});

test('logs -f follows the host to the next job of the name: an undeploy of v1 and a deploy of v2, as a rolling update does', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master);
  const v1 = await deployJob(master, agent.name, { name: 'roll', version: '1', command: ['sh', '-c', 'echo from-v1; exec sleep 1000'] });
  await waitForState(master, v1, agent.name, 'RUNNING');
  const cli = followLogs(master, ['roll:1', '-f']);
  t.teardown(() => cli.kill('SIGKILL'));
  await cli.waitForOutput(/\| from-v1\n/, 20_000);
  await master.client.deployments.undeploy(agent.name, v1);
  const v2 = await deployJob(master, agent.name, { name: 'roll', version: '2', command: ['sh', '-c', 'echo from-v2; exec sleep 1000'] });
  await cli.waitForOutput(/\| from-v2\n/, 30_000);
  t.deepEqual(cli.stdout.trimEnd().split('\n'), [`${agent.name} | from-v1`, `${agent.name} | from-v2`]);
  t.regex(cli.stderr, new RegExp(`${agent.name}: now container [0-9a-f]{12} of ${v2.replace(/[.:]/g, '.')}`));
});

test('logs of a job on two hosts interleaves their lines, each prefixed with its host', async (t) => {
  const master = await startMasterFor(t);
  const a = await startTestAgent(t, master, { name: uniqueName('logs-a') });
  const b = await startTestAgent(t, master, { name: uniqueName('logs-b') });
  const { id } = await master.client.jobs.create({ version: '1', image: 'busybox:latest', secondsToWaitBeforeKill: 1, ...quiet('pair') });
  for (const agent of [a, b]) await master.client.deployments.deploy(agent.name, id);
  for (const agent of [a, b]) await waitForState(master, id, agent.name, 'RUNNING');
  const cli = followLogs(master, ['pair', '-f']);
  t.teardown(() => cli.kill('SIGKILL'));
  await cli.waitForOutput(new RegExp(`${a.name} \\| started`), 20_000);
  await cli.waitForOutput(new RegExp(`${b.name} \\| started`));
  await print(a.name, 'from-a-1');
  await cli.waitForOutput(/from-a-1/);
  await print(b.name, 'from-b-1');
  await cli.waitForOutput(/from-b-1/);
  await print(a.name, 'from-a-2');
  await cli.waitForOutput(/from-a-2/);
  const lines = cli.stdout.trimEnd().split('\n');
  t.deepEqual(lines.slice(2), [`${a.name} | from-a-1`, `${b.name} | from-b-1`, `${a.name} | from-a-2`]);
  t.deepEqual(lines.slice(0, 2).sort(), [`${a.name} | started`, `${b.name} | started`].sort());
});

test('an agent killed mid-stream is reported while the other host keeps streaming', async (t) => {
  const master = await startMasterFor(t);
  const state = await tempDir('helios-agent-');
  const doomed = uniqueName('doomed');
  const process_ = spawnAgentProcess({ master: master.url, name: doomed, stateDir: state.path });
  t.teardown(async () => { await process_.kill('SIGKILL'); await removeAgentContainers(doomed); await state.cleanup(); });
  const survivor = await startTestAgent(t, master, { name: uniqueName('survivor') });
  const { id } = await master.client.jobs.create({ version: '1', image: 'busybox:latest', secondsToWaitBeforeKill: 1, ...quiet('split') });
  await waitFor(async () => (await master.client.hosts.list()).includes(doomed), { timeoutMs: 20_000 });
  for (const host of [doomed, survivor.name]) await master.client.deployments.deploy(host, id);
  for (const host of [doomed, survivor.name]) await waitForState(master, id, host, 'RUNNING');
  const cli = followLogs(master, ['split', '-f']);
  t.teardown(() => cli.kill('SIGKILL'));
  await cli.waitForOutput(new RegExp(`${doomed} +\\| started`), 20_000);
  await cli.waitForOutput(new RegExp(`${survivor.name} +\\| started`));
  await process_.kill('SIGKILL');
  await cli.waitForOutput(new RegExp(`${doomed}: .*AGENT_NOT_CONNECTED`));
  await print(survivor.name, 'still-here');
  await cli.waitForOutput(/\| still-here\n/);
  t.is(cli.stdout.trimEnd().split('\n').at(-1)?.replace(/ +\|/, ' |'), `${survivor.name} | still-here`);
});

test('two masters over one PostgreSQL: the agent given both keeps a channel to each, so logs and exec work through either', async (t) => {
  const dbPath = await createTestDatabase(t);
  const a = await startMasterFor(t, { dbPath, name: 'a' });
  const b = await startMasterFor(t, { dbPath, name: 'b' });
  const agent = await startTestAgent(t, a, { master: [a.url, b.url] });
  const jobId = await deployJob(a, agent.name, { name: 'both', command: ['sh', '-c', 'echo seen-everywhere; exec sleep 1000'] });
  await waitForState(a, jobId, agent.name, 'RUNNING');
  for (const master of [a, b]) {
    const r = await waitFor(async () => {
      const run = await helios(master, ['logs', 'both']);
      return run.code === 0 && run.stdout.includes('seen-everywhere') ? run : undefined;
    }, { timeoutMs: 20_000, message: `logs through ${master.url}` });
    t.is(r.stdout, `${agent.name} | seen-everywhere\n`);
    t.is((await helios(master, ['exec', 'both', agent.name, '--', 'echo', 'exec-here'])).stdout, 'exec-here\n');
  }
  // A master that is down first in -z: logs and exec go on at the next.
  await b.close();
  const logs = await helios(null, ['-z', b.url, '-z', a.url, 'logs', 'both']);
  t.is(logs.stdout, `${agent.name} | seen-everywhere\n`, logs.stderr);
  const moved = await helios(null, ['-z', b.url, '-z', a.url, 'exec', 'both', agent.name, '--', 'echo', 'moved-on']);
  t.is(moved.stdout, 'moved-on\n', moved.stderr);
});

test('logs of an unknown job fails naming it; --tail must be a number', async (t) => {
  const master = await startMasterFor(t);
  const unknown = await helios(master, ['logs', 'nope']);
  t.is(unknown.code, 1);
  t.regex(unknown.stderr, /nope/);
  await master.client.jobs.create({ name: 'idle', version: '1', image: 'busybox:latest' });
  const bad = await helios(master, ['logs', 'idle', 'h1', '--tail', 'x']);
  t.is(bad.code, 1);
  t.regex(bad.stderr, /--tail must be a whole number/);
});
