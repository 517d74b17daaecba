/**
 * examples/zx/ run by `helios run` against a real master and real agents on the real Docker engine,
 * each checked by its effect: the containers the agents run, the tasks' statuses and the jobs'
 * history. `--dry-run` is checked against a dump of the store: nothing written.
 */
import test, { type ExecutionContext } from 'ava';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { agentContainers, startMasterFor, startTestAgent, uniqueName } from './harness/agent.js';
import { dumpDb, type TestMaster } from './harness/master.js';
import { tempDir, waitFor } from './harness/processes.js';
import { helios } from './cliHarness.js';

/** A busybox httpd serving `page` on a dynamic host port, healthy when GET `check` answers 2xx/3xx. */
async function jobFile(t: ExecutionContext, name: string, version: string, o: { page?: string; check?: string; command?: string } = {}): Promise<string> {
  const dir = await tempDir('helios-zx-');
  t.teardown(dir.cleanup);
  const command = o.command ?? `mkdir -p /www && echo ${o.page ?? version} > /www/index.html && exec httpd -f -p 8080 -h /www`;
  const path = join(dir.path, `${name}-${version}.yaml`);
  await writeFile(path, [
    `name: ${name}`, `version: "${version}"`, 'image: busybox:latest', `command: [sh, -c, ${JSON.stringify(command)}]`,
    'ports: { http: { internalPort: 8080 } }', `healthCheck: { type: http, port: http, path: ${o.check ?? '/'} }`,
    'init: true', 'secondsToWaitBeforeKill: 1', '',
  ].join('\n'));
  return path;
}

const run = (master: TestMaster, args: string[]) => helios(master, ['run', ...args], { timeoutMs: 120_000 });

/** The job ids each agent's running containers belong to (the agent labels them). */
async function runningJobs(agent: string): Promise<string[]> {
  return (await agentContainers(agent)).filter((c) => c.State === 'running').map((c) => c.Labels['helios.job']).sort();
}

/** The ids deployed on a host, from the master. */
async function deployedOn(master: TestMaster, host: string): Promise<string[]> {
  return Object.keys((await master.client.hosts.status(host)).jobs).sort();
}

/** A master, two agents, and version 1 of a job released on both by release.mjs. */
async function releasedFirst(t: ExecutionContext) {
  const master = await startMasterFor(t);
  const [a, b] = [await startTestAgent(t, master), await startTestAgent(t, master)];
  const name = uniqueName('rel');
  const first = await run(master, ['examples/zx/release.mjs', await jobFile(t, name, '1'), a.name, b.name, '--timeout', '60s']);
  t.is(first.code, 0, first.stderr);
  const v1 = /created (\S+)/.exec(first.stdout)![1];
  t.regex(first.stdout, new RegExp(`${a.name}: ${v1} RUNNING\n${b.name}: ${v1} RUNNING\nreleased ${v1} on 2 hosts`));
  return { master, a, b, name, v1 };
}

test('release.mjs moves each host to the new version once it is healthy, then undeploys the old one there', async (t) => {
  const { master, a, b, name, v1 } = await releasedFirst(t);

  const second = await run(master, ['examples/zx/release.mjs', await jobFile(t, name, '2'), a.name, b.name, '--timeout', '60s']);
  t.is(second.code, 0, second.stderr);
  const v2 = /created (\S+)/.exec(second.stdout)![1];
  t.regex(second.stdout, new RegExp(`${a.name}: ${v2} RUNNING, undeployed ${v1}\n${b.name}: ${v2} RUNNING, undeployed ${v1}`));
  for (const agent of [a, b]) {
    t.deepEqual(await deployedOn(master, agent.name), [v2]);
    await waitFor(async () => ((await runningJobs(agent.name)).join() === v2 ? true : undefined), { timeoutMs: 30_000, message: `${agent.name} runs ${v2} alone` });
  }
  // Host by host: b's new task started only after a's was RUNNING.
  const history = (await master.client.jobs.history(v2)).events;
  const runningOnA = history.find((e) => e.host === a.name && e.status.state === 'RUNNING')!.timestamp;
  const firstOnB = history.find((e) => e.host === b.name)!.timestamp;
  t.true(firstOnB >= runningOnA, `b began at ${firstOnB}, a was RUNNING at ${runningOnA}`);

  // Run again: the same job is reused and nothing moves.
  const again = await run(master, ['examples/zx/release.mjs', await jobFile(t, name, '2'), a.name, b.name]);
  t.is(again.code, 0, again.stderr);
  t.regex(again.stdout, new RegExp(`${v2} exists already`));
});

test('release.mjs rolls a host back when the new version never passes its health check, and stops', async (t) => {
  const { master, a, b, name, v1 } = await releasedFirst(t);
  const containersBefore = (await agentContainers(a.name)).map((c) => c.Id);

  const bad = await run(master, ['examples/zx/release.mjs', await jobFile(t, name, '2', { check: '/missing' }), a.name, b.name, '--timeout', '8s']);
  t.is(bad.code, 1, bad.stdout);
  const v2 = /created (\S+)/.exec(bad.stdout)![1];
  t.regex(bad.stdout, new RegExp(`${a.name}: rolled back: ${v2} undeployed, ${v1} still deployed`));
  const errorLine = bad.stderr.trim().split('\n').at(-1)!;
  t.regex(errorLine, new RegExp(`^helios: timed out after 8 s waiting for ${v2} to be RUNNING on ${a.name} \\(HEALTHCHECKING: health check: .*404`));
  t.notRegex(bad.stderr, /\n\s+at /, 'no stack trace');

  // a is back on v1 alone, b never saw v2.
  t.deepEqual(await deployedOn(master, a.name), [v1]);
  t.deepEqual(await deployedOn(master, b.name), [v1]);
  // The same container, never touched: the v2 one is stopped, then removed.
  await waitFor(async () => ((await agentContainers(a.name)).map((c) => c.Id).join() === containersBefore.join() ? true : undefined),
    { timeoutMs: 30_000, message: `a left with its v1 container ${containersBefore.join()} alone` });
  t.deepEqual(await runningJobs(a.name), [v1]);
  const history = (await master.client.jobs.history(v2)).events;
  t.true(history.some((e) => e.host === a.name && e.status.state === 'HEALTHCHECKING'));
  t.false(history.some((e) => e.host === a.name && e.status.state === 'RUNNING'));
  t.false(history.some((e) => e.host === b.name));
  t.is((await master.client.jobs.status(v1)).taskStatuses[a.name].state, 'RUNNING');
});

test('helios run --dry-run examples/zx/release.mjs says what it would do and changes nothing in the store', async (t) => {
  // No agent: its heartbeats would write to the store while the dump is compared.
  const master = await startMasterFor(t);
  const [h1, h2] = ['web1', 'web2'];
  for (const host of [h1, h2]) await master.client.hosts.register(host, `id-${host}`);
  const name = uniqueName('dry');
  const { id: v1 } = await master.client.jobs.create({ name, version: '1', image: 'busybox:latest' });
  for (const host of [h1, h2]) await master.client.deployments.deploy(host, v1);
  const before = await dumpDb(master.dbPath);

  const r = await run(master, ['--dry-run', 'examples/zx/release.mjs', await jobFile(t, name, '2'), h1, h2]);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(await dumpDb(master.dbPath), before);
  const v2 = /created (\S+)/.exec(r.stdout)![1];
  const said = r.stderr.split('\n').filter((line) => line.startsWith('dry run: '));
  t.deepEqual(said, [
    `dry run: create ${v2}`,
    `dry run: deploy (goal START) ${v2} on [${h1}]`,
    `dry run: wait up to 120 s for ${v2} to be RUNNING on [${h1}]`,
    `dry run: undeploy ${v1} on [${h1}]`,
    `dry run: deploy (goal START) ${v2} on [${h2}]`,
    `dry run: wait up to 120 s for ${v2} to be RUNNING on [${h2}]`,
    `dry run: undeploy ${v1} on [${h2}]`,
  ]);
  // A host the master does not know fails as the real deploy would, still writing nothing.
  const unknown = await run(master, ['--dry-run', 'examples/zx/release.mjs', await jobFile(t, name, '2'), 'web3']);
  t.is(unknown.code, 1);
  t.regex(unknown.stderr, /helios: web3: host web3 not found; did you mean web1\? known hosts: web1, web2\n$/);
  t.deepEqual(await dumpDb(master.dbPath), before);
});

test('canary.mjs runs the new version on one host, watches it, then on the rest; a canary that dies is undeployed', async (t) => {
  const master = await startMasterFor(t);
  const [a, b] = [await startTestAgent(t, master), await startTestAgent(t, master)];
  const name = uniqueName('can');
  const r = await run(master, ['examples/zx/canary.mjs', await jobFile(t, name, '1'), a.name, b.name, '--watch', '2s', '--timeout', '60s']);
  t.is(r.code, 0, r.stderr);
  const v1 = /created (\S+)/.exec(r.stdout)![1];
  t.regex(r.stdout, new RegExp(`${a.name}: ${v1} RUNNING; watching it for 2s\n${a.name}: ${v1} RUNNING\n${b.name}: ${v1} RUNNING`));
  const history = (await master.client.jobs.history(v1)).events;
  const canaryRunning = history.find((e) => e.host === a.name && e.status.state === 'RUNNING')!.timestamp;
  t.true(history.find((e) => e.host === b.name)!.timestamp >= canaryRunning + 2000, 'b after the 2 s watch');

  // v2 is healthy at first, then (8 s in) its container says why on stderr and exits: the canary goes, b keeps v1.
  const dying = await jobFile(t, name, '2', { command: 'mkdir -p /www && echo v2 > /www/index.html && httpd -p 8080 -h /www && sleep 8 && echo v2 gives up >&2 && exit 7' });
  const bad = await run(master, ['examples/zx/canary.mjs', dying, a.name, b.name, '--watch', '40s', '--timeout', '60s']);
  t.is(bad.code, 1, bad.stdout);
  const v2 = /created (\S+)/.exec(bad.stdout)![1];
  t.regex(bad.stderr, new RegExp(`helios: examples/zx/canary.mjs:\\d+: Error: ${a.name}: canary ${v2} went EXITED.*: undeployed\n$`));
  // The canary's last lines, read through helios.logs before it was undeployed.
  t.true(bad.stderr.includes(`${a.name} | v2 gives up\n`), bad.stderr);
  t.deepEqual(await deployedOn(master, a.name), [v1]);
  t.deepEqual(await deployedOn(master, b.name), [v1]);
  t.false((await master.client.jobs.history(v2)).events.some((e) => e.host === b.name));
});

test('cleanup.mjs removes the job versions deployed nowhere, and leaves what a Pulumi stack owns', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master);
  const name = uniqueName('old');
  const create = (version: string, client = master.client) => client.jobs.create({ name, version, image: 'busybox:latest', command: ['sleep', '1000'], secondsToWaitBeforeKill: 1 });
  const [{ id: v1 }, { id: v2 }, { id: v3 }] = [await create('1'), await create('2'), await create('3')];
  const { id: fromStack } = await create('4', master.clientWith({ owner: 'pulumi:web/prod' }));
  const { id: other } = await master.client.jobs.create({ name: uniqueName('keep'), version: '1', image: 'busybox:latest' });
  await master.client.deployments.deploy(agent.name, v3);

  const r = await run(master, ['examples/zx/cleanup.mjs', name]);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, `${v1}: removed\n${v2}: removed\n${fromStack}: deployed nowhere, kept: owned by pulumi:web/prod\n2 jobs removed\n`);
  t.deepEqual(Object.keys(await master.client.jobs.list()).sort(), [v3, fromStack, other].sort());
});
