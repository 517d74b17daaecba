/**
 * A stock Helios Java client's calls (test/harness/heliosJavaClient.ts, which speaks as HeliosClient.java
 * does) against a real master and a real agent on the session's Docker engine: create, deploy,
 * status until RUNNING, history, undeploy and remove, each answer read as the Java client reads it.
 */
import test from 'ava';
import { startTestMaster } from './harness/master.js';
import { startTestAgent } from './harness/agent.js';
import { waitFor } from './harness/processes.js';
import { HeliosJavaClient, javaDeployment, javaJob } from './harness/heliosJavaClient.js';

test('a Helios Java client creates, deploys, watches to RUNNING, reads history, undeploys and removes a job', async (t) => {
  const m = await startTestMaster();
  t.teardown(m.close);
  const agent = await startTestAgent(t, m);
  const host = agent.name;
  const helios = new HeliosJavaClient({ endpoint: m.url, user: 'java-user' });
  // The agent registers within a heartbeat or two; generous for a loaded machine.
  await waitFor(async () => (await helios.listHosts())?.includes(host), { timeoutMs: 30_000, message: 'agent registered' });

  t.deepEqual(await helios.version(), { clientVersion: '0.9.282', masterVersion: '0.1.0' });
  t.deepEqual(await helios.listMasters(), ['test-master']);

  // busybox's sleep as PID 1 ignores SIGTERM: a one-second kill wait keeps the undeploy short.
  const descriptor = javaJob({ name: 'javaweb', version: '1', image: 'busybox:latest', command: ['sleep', '3600'], secondsToWaitBeforeKill: 1,
    ports: { http: { internalPort: 8080 } }, rolloutOptions: { parallelism: 2, overlap: true } });
  const id = descriptor.id as string;
  t.deepEqual(await helios.createJob(descriptor), { status: 'OK', errors: [], id });
  t.deepEqual(await helios.createJob(descriptor), { status: 'JOB_ALREADY_EXISTS', errors: [], id });
  const invalid = await helios.createJob(javaJob({ name: 'bad', version: '1', image: 'Not An Image' }));
  t.is(invalid?.status, 'INVALID_JOB_DEFINITION');
  t.true(invalid!.errors!.length > 0 && invalid!.errors!.every((e) => typeof e === 'string' && e.startsWith('image: ')), JSON.stringify(invalid));
  t.deepEqual(Object.keys((await helios.jobs('javaweb'))!), [id]);
  const stored = (await helios.jobs())![id];
  t.is(stored.creatingUser, 'java-user');
  t.deepEqual(stored.rolloutOptions, { parallelism: 2, overlap: true });

  t.deepEqual(await helios.deploy(javaDeployment(id, 'START'), host), { status: 'OK', host, job: id });
  t.deepEqual(await helios.deploy(javaDeployment(id, 'START'), host), { status: 'JOB_ALREADY_DEPLOYED', host, job: id });
  t.deepEqual(await helios.deploy(javaDeployment(id, 'START'), 'no-such-host'), { status: 'HOST_NOT_FOUND', host: 'no-such-host', job: id });
  t.like(await helios.deployment(host, id), { jobId: id, goal: 'START', deployerUser: 'java-user' });

  // Pulling nothing (the image is local), creating and starting a container: seconds; generous bound.
  const running = await waitFor(async () => {
    const status = await helios.jobStatus(id);
    return status?.taskStatuses[host]?.state === 'RUNNING' ? status : undefined;
  }, { timeoutMs: 90_000, intervalMs: 250, message: 'task RUNNING' });
  const task = running.taskStatuses[host];
  t.is(task.job.id, id);
  t.is(task.goal, 'START');
  t.truthy(task.containerId);
  t.true((task.ports.http.externalPort ?? 0) > 0, JSON.stringify(task.ports));
  t.is(running.deployments[host].jobId, id);
  const hostStatus = (await helios.hostStatus(host))!;
  t.is(hostStatus.status, 'UP');
  t.is(hostStatus.statuses[id].job.id, id);
  t.is(hostStatus.jobs[id].goal, 'START');
  t.is(await helios.hostStatus(host, { status: 'DOWN' }), null);
  t.deepEqual(Object.keys((await helios.hostStatuses([host, 'ghost'], { status: 'UP' }))!), [host]);
  t.is((await helios.jobStatuses([id]))![id].taskStatuses[host].job.id, id);

  const history = (await helios.jobHistory(id))!;
  t.is(history.status, 'OK');
  t.true(history.events.some((e) => e.status.state === 'RUNNING' && e.host === host && e.status.job.id === id));
  t.deepEqual(await helios.jobHistory(`ghost:1:${'0'.repeat(40)}`), { events: [], status: 'JOB_ID_NOT_FOUND' });

  t.deepEqual(await helios.deleteJob(id), { status: 'STILL_IN_USE' });
  t.deepEqual(await helios.setGoal(javaDeployment(id, 'STOP'), host), { status: 'OK', host, job: id });
  t.deepEqual(await helios.undeploy(id, host), { status: 'OK', host, job: id });
  t.deepEqual(await helios.undeploy(id, host), { status: 'JOB_NOT_FOUND', host, job: id });
  t.deepEqual(await helios.deleteJob(id), { status: 'OK' });
  t.deepEqual(await helios.deleteJob(id), { status: 'JOB_NOT_FOUND' });
  t.is(await helios.jobStatus(id), null);

  // Answers of 1 KiB and more (a host status) came gzipped, and the client inflated them.
  t.true(helios.responses.some((r) => r.headers['content-encoding'] === 'gzip'));
  t.deepEqual([...new Set(helios.versionStatuses)], ['EQUAL']);
  t.true(helios.responses.every((r) => r.headers['helios-server-version'] === '0.9.282'));
});
