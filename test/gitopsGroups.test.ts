/**
 * GitOps to a deployment group (issue 17): a job file with `deploy: {group, selector, rollout}` in a
 * repository served over git HTTP, the real syncer (in this process, pass by pass), a real master and
 * three real agents (own names, label role=web) on the session's Docker engine. A commit that changes
 * the job rolls the group out host after host; re-applying it starts nothing.
 */
import test, { type ExecutionContext } from 'ava';
import { pino } from 'pino';
import type { RolloutRecord, SyncResult } from '../core/index.js';
import { preparePass } from '../syncer/sync.js';
import { formatAction } from '../syncer/output.js';
import { agentContainers, startTestAgent, uniqueName, waitForState, type TestAgent } from './harness/agent.js';
import { emptyRegistry } from './harness/emptyRegistry.js';
import { waitFor } from './harness/processes.js';
import { ensureCliBuilt, helios } from './cliHarness.js';
import { gitops, jobExists, jobIdOf, type GitopsFixture } from './gitopsHelpers.js';

test.before(ensureCliBuilt);

/** The job file of version `version`: busybox sleeping, rolled out to group `web` (declared here) one host at a time. */
function groupJobFile(version: string, more: { image?: string; rollout?: string } = {}): string {
  return [
    'name: app', `version: "${version}"`, `image: ${more.image ?? 'busybox:latest'}`, 'command: ["sleep", "3600"]',
    'init: true', 'secondsToWaitBeforeKill: 1', `env: {VERSION: "${version}"}`,
    'deploy:', '  group: web', '  selector: [role=web]', `  rollout: ${more.rollout ?? '{parallelism: 1, timeout: 60}'}`, '',
  ].join('\n');
}

/** A git server, a master, three agents, the syncer, and the first commit (version 1) applied: its pass's result. */
async function firstCommit(t: ExecutionContext) {
  const g = await gitops(t);
  const agents = await fleet(t, g);
  const syncer = await g.startSyncer();
  const { name: source } = g.config();
  const v1 = jobIdOf('jobs/app.yaml', groupJobFile('1'));
  await g.commit({ 'jobs/app.yaml': groupJobFile('1') });
  const first = (await syncer.reactor.next()).result as SyncResult;
  return { g, agents, syncer, source, v1, first };
}

async function fleet(t: ExecutionContext, g: GitopsFixture): Promise<TestAgent[]> {
  const prefix = uniqueName('gg');
  const agents = await Promise.all([1, 2, 3].map((i) => startTestAgent(t, g.master, { name: `${prefix}-${i}`, labels: { role: 'web' } })));
  await waitFor(async () => {
    const statuses = await Promise.all(agents.map((a) => g.master.client.hosts.status(a.name).catch(() => undefined)));
    return statuses.every((s) => s?.status === 'UP' && s.labels.role === 'web') || undefined;
  }, { timeoutMs: 60_000, message: 'three agents UP with role=web' });
  return agents;
}

/** The group's status once it is no longer ROLLING_OUT. */
const settled = (g: GitopsFixture) => waitFor(async () => {
  const s = await g.master.client.deploymentGroups.status('web');
  return s.status !== 'ROLLING_OUT' ? s : undefined;
}, { timeoutMs: 120_000, intervalMs: 50, message: 'group web done rolling out' });

const history = async (g: GitopsFixture): Promise<RolloutRecord[]> => (await g.master.client.deploymentGroups.history('web')).rollouts;

async function runningJobs(agents: TestAgent[]): Promise<string[][]> {
  return Promise.all(agents.map(async (a) => (await agentContainers(a.name)).filter((c) => c.State === 'running').map((c) => c.Labels['helios.job']).sort()));
}

const summary = (result: SyncResult) => result.actions.map((a) => `${a.action}${a.group ? ` ${a.group}` : ''}${a.jobId ? ` ${a.jobId.split(':').slice(0, 2).join(':')}` : ''}`);

test('a commit rolls its group out host after host; the same commit again starts nothing; the dry run says what rollout it would start; deleting the file removes the group', async (t) => {
  const { g, agents, syncer, source, v1, first } = await firstCommit(t);
  t.is(first.state, 'APPLIED', JSON.stringify(first.errors));
  t.deepEqual(summary(first), ['create app:1', 'create-group web app:1', 'rolling-update web app:1']);
  const declared = await g.master.client.deploymentGroups.get('web');
  t.like(declared, { name: 'web', owner: `git:${source}`, jobId: v1, hostSelectors: [{ label: 'role', operator: 'EQUALS', operand: 'web' }] });
  t.is((await settled(g)).status, 'ACTIVE');
  t.deepEqual(await runningJobs(agents), agents.map(() => [v1]));

  // The dry run of the next commit names the rollout it would start, and changes nothing.
  const v2File = groupJobFile('2');
  const v2 = jobIdOf('jobs/app.yaml', v2File);
  await g.commit({ 'jobs/app.yaml': v2File });
  const { pass: dryPass } = await preparePass(g.config(['--dry-run', '--cache-dir', `${g.cacheDir}/dry`]), pino({ level: 'silent' }));
  const dry = (await dryPass()).result as SyncResult;
  t.is(dry.state, 'PLANNED');
  t.deepEqual(dry.actions.map(formatAction), [`create     ${v2}  jobs/app.yaml`, `rolling-update ${v2} to group web  jobs/app.yaml`]);
  t.false(await jobExists(g.master.client, v2), 'a dry run changes nothing');

  const applying = Date.now();
  const second = (await syncer.reactor.next()).result as SyncResult;
  t.deepEqual(summary(second), ['create app:2', 'rolling-update web app:2'], 'the old version is left for the rollout to replace');
  const during = await g.master.client.sync.source(source);
  t.like(during.rollouts?.[0], { group: 'web', jobId: v2 });
  const status = await settled(g);
  const rolledOut = Date.now() - applying;
  t.is(status.status, 'ACTIVE', status.error);
  t.deepEqual(status.hostStatuses, agents.map((a) => ({ host: a.name, jobId: v2, state: 'RUNNING' })));
  const record = (await history(g))[0];
  t.like(record, { jobId: v2, previousJobId: v1, outcome: 'DONE', startedBy: `git:${source}`, options: { parallelism: 1, timeout: 60 } });
  t.deepEqual(record.hosts.map((h) => [h.host, h.phase, h.result]), agents.map((a) => [a.name, 'UPDATE', 'DONE']));
  for (let i = 1; i < record.hosts.length; i++) {
    t.true(record.hosts[i].started >= record.hosts[i - 1].finished!, `host ${i} started before host ${i - 1} was done: ${JSON.stringify(record.hosts)}`);
  }
  t.deepEqual(await runningJobs(agents), agents.map(() => [v2]));
  t.log(`syncer pass of the commit → group rolled out (3 hosts, parallelism 1): ${rolledOut} ms; the rollout began ${record.started - applying} ms `
    + `into the pass and took ${record.finished! - record.started} ms`);

  // The next pass of the same commit prunes the old version, now unused; the one after changes nothing.
  t.deepEqual(summary((await syncer.reactor.next()).result as SyncResult), ['remove app:1']);
  t.deepEqual(((await syncer.reactor.next()).result as SyncResult).actions, []);
  t.is((await history(g)).length, 2, 'no rollout started by re-applying the commit');
  const sync = await helios(g.master, ['sync', 'status', source]);
  t.is(sync.code, 0, sync.stderr);
  t.regex(sync.stdout, new RegExp(`^${source}: group web -> app:2:[0-9a-f]{7} ACTIVE 3/3 hosts \\(rollout ${record.id}\\)$`, 'm'));

  // The group is git's: a rolling update or a remove by hand is refused without --force, and changes nothing.
  for (const args of [['rolling-update', v2, 'web'], ['remove-deployment-group', 'web']]) {
    const refused = await helios(g.master, args);
    t.is(refused.code, 1, args.join(' '));
    t.regex(refused.stderr, new RegExp(`git source ${source} owns deployment group web: change it in the repository, the next sync restores it; use --force`));
  }
  t.is((await history(g)).length, 2);

  await g.remove(['jobs/app.yaml']);
  const gone = (await syncer.reactor.next()).result as SyncResult;
  t.deepEqual(summary(gone).sort(), ['remove app:2', 'remove-group web app:2', ...agents.map(() => 'undeploy app:2')].sort());
  t.deepEqual(await g.master.client.deploymentGroups.list(), []);
  await waitFor(async () => (await runningJobs(agents)).every((jobs) => jobs.length === 0) || undefined, { timeoutMs: 60_000, message: 'containers stopped' });
});

test('a commit whose image is missing fails its rollout in seconds and, with autoRevert, the touched host runs the previous version again; the next pass does not retry it', async (t) => {
  const { g, agents, syncer, source, v1, first } = await firstCommit(t);
  t.is(first.state, 'APPLIED');
  t.is((await settled(g)).status, 'ACTIVE');

  const registry = await emptyRegistry(t);
  const broken = groupJobFile('2', { image: `127.0.0.1:${registry}/missing:1`, rollout: '{parallelism: 1, timeout: 60, autoRevert: true}' });
  const began = Date.now();
  await g.commit({ 'jobs/app.yaml': broken });
  t.deepEqual(summary((await syncer.reactor.next()).result as SyncResult), ['create app:2', 'rolling-update web app:2']);
  const status = await settled(g);
  t.log(`commit → rollout failed and reverted: ${Date.now() - began} ms`);
  t.like(status, { status: 'FAILED', reverted: true });
  t.regex(status.error, /cannot reach state RUNNING/);
  t.is(status.deploymentGroup.jobId, v1);
  for (const a of agents) await waitForState(g.master, v1, a.name, 'RUNNING', 60_000);
  t.deepEqual(await runningJobs(agents), agents.map(() => [v1]));
  const status2 = await g.master.client.sync.source(source);
  t.like(status2.rollouts?.[0], { group: 'web', jobId: jobIdOf('jobs/app.yaml', broken), status: 'FAILED', reverted: true, updated: 0, members: 3 });

  // The same commit again: the failed version is not rolled out again at every pass, and v1 (running) stays.
  t.deepEqual(((await syncer.reactor.next()).result as SyncResult).actions, []);
  t.is((await history(g)).length, 2);
  t.true(await jobExists(g.master.client, v1));
});

test('a commit during a rollout supersedes it: the newer version rolls out, the one in between and the first stay until it is done, then go', async (t) => {
  const { g, agents, syncer, v1, first } = await firstCommit(t);
  t.is(first.state, 'APPLIED');
  t.is((await settled(g)).status, 'ACTIVE');
  // v2 holds each host for 60 s of health before the next: the rollout is still on its first host when v3 comes.
  const slow = groupJobFile('2', { rollout: '{parallelism: 1, timeout: 120, minHealthySeconds: 60}' });
  const v2 = jobIdOf('jobs/app.yaml', slow);
  await g.commit({ 'jobs/app.yaml': slow });
  t.deepEqual(summary((await syncer.reactor.next()).result as SyncResult), ['create app:2', 'rolling-update web app:2']);
  await waitFor(async () => (await runningJobs(agents))[0].includes(v2) || undefined, { timeoutMs: 60_000, message: 'v2 on the first host' });

  const v3File = groupJobFile('3');
  const v3 = jobIdOf('jobs/app.yaml', v3File);
  await g.commit({ 'jobs/app.yaml': v3File });
  t.deepEqual(summary((await syncer.reactor.next()).result as SyncResult), ['create app:3', 'rolling-update web app:3'],
    'app:1 (on the untouched hosts) and app:2 (on the first, and what a revert would go back to) stay');
  const status = await settled(g);
  t.is(status.status, 'ACTIVE', status.error);
  const [latest, superseded] = await history(g);
  t.like(latest, { jobId: v3, previousJobId: v2, outcome: 'DONE' });
  t.like(superseded, { jobId: v2, outcome: 'STOPPED', error: 'superseded by a new rolling update' });
  t.deepEqual(await runningJobs(agents), agents.map(() => [v3]));
  t.deepEqual(summary((await syncer.reactor.next()).result as SyncResult).sort(), ['remove app:1', 'remove app:2']);
  t.false(await jobExists(g.master.client, v1));
  t.false(await jobExists(g.master.client, v2));
});
