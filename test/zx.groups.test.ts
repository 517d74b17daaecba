/**
 * helios/zx in a Node program (not under `helios run`): `connect` to a real master as the CLI
 * would, then the deployment-group calls on real agents and Docker: create a group, a rolling update
 * followed to DONE, the same in a dry run changing nothing, and a failing one thrown as ROLLOUT_FAILED
 * with the hosts reverted.
 */
import test from 'ava';
import { connect, isHeliosError } from '../cli/zx/index.js';
import { agentContainers, startMasterFor, startTestAgent, uniqueName } from './harness/agent.js';
import { dumpDb } from './harness/master.js';
import { tempDir, waitFor } from './harness/processes.js';

test('deploymentGroups: create, rollingUpdate to DONE, a dry run that writes nothing, ROLLOUT_FAILED reverted', async (t) => {
  const master = await startMasterFor(t);
  const agents = await Promise.all([1, 2].map(() => startTestAgent(t, master, { name: uniqueName('grp'), labels: { role: 'web' } })));
  // An empty home: no ~/.helios/config of this machine's user, no HELIOS_TOKEN.
  const home = await tempDir('helios-zx-home-');
  t.teardown(home.cleanup);
  const helios = await connect({ master: master.url, env: { HOME: home.path } });
  await waitFor(async () => (Object.keys(await helios.hosts({ selectors: ['role=web'], status: 'UP' })).length === 2 || undefined), { message: 'both agents UP' });

  t.is(await helios.deploymentGroups.create('web', ['role=web']), 'CREATED');
  const spec = { image: 'busybox:latest', command: ['sleep', '1000'], secondsToWaitBeforeKill: 1 };
  const { id: v1 } = await helios.create({ name: 'web', version: '1', ...spec });
  const done = await helios.deploymentGroups.rollingUpdate(v1, 'web', { parallelism: 2 });
  t.like(done, { status: 'DONE', jobId: v1, options: { parallelism: 2 } });
  for (const agent of agents) {
    t.deepEqual((await agentContainers(agent.name)).filter((c) => c.State === 'running').map((c) => c.Labels['helios.job']), [v1]);
  }
  t.is((await helios.deploymentGroups.inspect('web')).jobId, v1);

  // A dry run: the job and the rollout only said; reads answered by the master.
  // The agents' heartbeats and statuses go on writing: the desired state and the audit must not move.
  const desired = async () => {
    const dump = await dumpDb(master.dbPath);
    return ['jobs', 'deployments', 'deployment_groups', 'deployment_group_rollouts', 'audit'].map((table) => dump[table]);
  };
  const dry = await connect({ master: master.url, env: { HOME: home.path }, dryRun: true });
  const before = await desired();
  const { id: v2 } = await dry.create({ name: 'web', version: '2', ...spec });
  t.like(await dry.deploymentGroups.rollingUpdate(v2, 'web', { parallelism: 1 }), { status: 'STARTED', jobId: v2, options: { parallelism: 1 } });
  t.deepEqual(await desired(), before);
  t.is((await helios.deploymentGroups.history('web')).rollouts.length, 1);

  // An image no registry has: the rollout fails on the first host and auto-revert puts v1 back.
  const { id: broken } = await helios.create({ name: 'web', version: '3', ...spec, image: '127.0.0.1:1/nothing:3' });
  const err = await t.throwsAsync(helios.deploymentGroups.rollingUpdate(broken, 'web', { autoRevert: true, timeout: 60 }));
  t.true(isHeliosError(err, 'ROLLOUT_FAILED'), String(err));
  t.regex(err!.message, new RegExp(`rolling update of web to ${broken} failed: .*\\(reverted: the hosts it touched run ${v1} again\\)`));
  t.is((await helios.deploymentGroups.status('web')).deploymentGroupStatus?.state, 'FAILED');
  for (const agent of agents) t.deepEqual(Object.keys((await helios.hosts())[agent.name].jobs), [v1]);
});
