import test from 'ava';
import { freePort, waitFor } from './harness/processes.js';
import { agentContainers, startMasterFor, deployJob, dockerClient, startTestAgent, taskStatus, waitForState, waitForStatus } from './harness/agent.js';

const httpd = (port: number, extra = '') =>
  ['sh', '-c', `mkdir -p /www && echo hello-helios > /www/index.html && ${extra} exec httpd -f -p ${port} -h /www`];

/**
 * The first answer of `url`. RUNNING means the container started (no health check here): the server in
 * it may not listen yet on a loaded machine, so a refused connection is tried again.
 */
function get(url: string): Promise<{ status: number; body: string }> {
  return waitFor(async () => {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return { status: res.status, body: await res.text() };
  }, { timeoutMs: 20_000, message: `an answer from ${url}` });
}

test('deploy reaches RUNNING with env, static and dynamic ports and labels reaching Docker', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master, { env: { FROM_AGENT: 'yes' } });
  const staticPort = await freePort();
  const jobId = await deployJob(master, agent.name, {
    name: 'web',
    command: httpd(8080, 'httpd -p 8081 -h /www &&'),
    env: { GREETING: 'hello' },
    ports: { http: { internalPort: 8080, externalPort: staticPort }, dyn: { internalPort: 8081 } },
    labels: { team: 'infra' },
    healthCheck: { type: 'http', port: 'http', path: '/' },
  });
  const status = await waitForState(master, jobId, agent.name, 'RUNNING');
  t.truthy(status.containerId);
  t.is(status.throttled, 'NO');
  t.is(status.ports.http.externalPort, staticPort);
  const dynPort = status.ports.dyn.externalPort!;
  t.true(dynPort >= 20000 && dynPort < 32768, `dynamic port ${dynPort} in the range`);

  t.deepEqual(await get(`http://127.0.0.1:${staticPort}/`), { status: 200, body: 'hello-helios\n' });
  t.deepEqual(await get(`http://127.0.0.1:${dynPort}/`), { status: 200, body: 'hello-helios\n' });

  const info = await dockerClient().getContainer(status.containerId!).inspect();
  const env = info.Config.Env;
  const heliosPorts = env.filter((e) => e.startsWith('HELIOS_PORT_'));
  t.deepEqual(heliosPorts.sort(), [`HELIOS_PORT_dyn=${agent.name}:${dynPort}`, `HELIOS_PORT_http=${agent.name}:${staticPort}`]);
  t.true(env.indexOf('GREETING=hello') > env.indexOf(heliosPorts[0]), 'job env comes after HELIOS_PORT_*');
  t.true(env.includes('FROM_AGENT=yes'));
  t.is(info.Config.Labels['helios.agent'], agent.name);
  t.is(info.Config.Labels['helios.job'], jobId);
  t.is(info.Config.Labels.team, 'infra');
  t.is(info.HostConfig.PortBindings['8080/tcp'][0].HostIp, '127.0.0.1');
  t.is(status.env.GREETING, 'hello');

  const history = (await master.client.jobs.history(jobId)).events.map((e) => e.status.state);
  for (const state of ['PULLING_IMAGE', 'CREATING', 'STARTING', 'HEALTHCHECKING', 'RUNNING']) t.true(history.includes(state as never), `history has ${state}`);
  const running = (await master.client.jobs.history(jobId)).events.find((e) => e.status.state === 'RUNNING')!;
  t.is(running.status.containerId, status.containerId);
  t.is((await agentContainers(agent.name)).length, 1);
});

/** Applies a GitOps commit of one job file `web` (busybox httpd on `port`) through the master's sync API. */
function webCommits(master: Awaited<ReturnType<typeof startMasterFor>>, host: string, port: number, stopSeconds: number) {
  // What a GitOps commit changing a file does: the old version's undeploy and the new one's deploy land in
  // one transaction, so the agent gets both in the same desired set.
  const commit = (sha: string, greeting: string | null) => master.client.sync.apply('handover', {
    repo: 'http://127.0.0.1/repo.git', branch: 'main', path: 'jobs', commit: sha, errors: [],
    jobs: greeting === null ? [] : [{
      file: 'jobs/web.yaml', hosts: [host], goal: 'START',
      spec: { name: 'web', version: '1', image: 'busybox:latest', secondsToWaitBeforeKill: stopSeconds,
        command: ['sh', '-c', `mkdir -p /www && echo ${greeting} > /www/index.html && exec httpd -f -p 8080 -h /www`],
        ports: { http: { internalPort: 8080, externalPort: port } } },
    }],
  });
  return async (sha: string, greeting: string | null) => (await commit(sha, greeting)).actions.find((a) => a.action === 'create')?.jobId ?? '';
}

test('a new version taking over a static port starts once the old one has let go of it: no FAILED on the way', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master);
  const port = await freePort();
  const commit = webCommits(master, agent.name, port, 1);
  const v1 = await commit('c1', 'one');
  await waitForState(master, v1, agent.name, 'RUNNING');
  t.deepEqual(await get(`http://127.0.0.1:${port}/`), { status: 200, body: 'one\n' });

  const v2 = await commit('c2', 'two');
  const running = await waitForState(master, v2, agent.name, 'RUNNING');
  t.is(running.ports.http.externalPort, port);
  t.deepEqual(await get(`http://127.0.0.1:${port}/`), { status: 200, body: 'two\n' });
  const states = (await master.client.jobs.history(v2)).events.map((e) => e.status.state);
  t.false(states.includes('FAILED'), `the new version's history: ${states.join(' → ')}`);
  t.is(states.filter((s) => s === 'STARTING').length, 1, 'started once');
  t.true(agent.logs.some((l) => l.msg === 'waiting for a released task to free its ports' && (l.waitingFor as string[]).includes(v1)));
  t.is((await agentContainers(agent.name)).length, 1);
});

test('a task waiting for a port and undeployed meanwhile never creates its container', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master);
  const port = await freePort();
  // httpd as PID 1 ignores SIGTERM: the old version takes its full 4 s to stop, and the new one waits.
  const commit = webCommits(master, agent.name, port, 4);
  const v1 = await commit('c1', 'one');
  await waitForState(master, v1, agent.name, 'RUNNING');
  const v2 = await commit('c2', 'two');
  await waitFor(() => agent.logs.some((l) => l.msg === 'waiting for a released task to free its ports' && l.jobId === v2), { message: 'v2 waiting' });
  await commit('c3', null);
  await waitFor(async () => (await agentContainers(agent.name)).length === 0 && agent.statuses().length === 0, { timeoutMs: 20_000, message: 'both gone' });
  const v2States = agent.logs.filter((l) => l.msg === 'task state' && l.jobId === v2).map((l) => l.state);
  t.deepEqual(v2States.filter((s) => s === 'CREATING' || s === 'STARTING' || s === 'RUNNING'), [], `v2 went through ${v2States.join(' → ') || 'nothing'}`);
});

test('STOP stops the container, START starts it again, UNDEPLOY removes container and status', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master);
  const jobId = await deployJob(master, agent.name, { name: 'sleeper', command: ['sleep', '1000'] });
  const running = await waitForState(master, jobId, agent.name, 'RUNNING');
  const docker = dockerClient();

  await master.client.deployments.setGoal(agent.name, jobId, 'STOP');
  const stopped = await waitForState(master, jobId, agent.name, 'STOPPED');
  t.is(stopped.goal, 'STOP');
  t.false((await docker.getContainer(running.containerId!).inspect()).State.Running);

  await master.client.deployments.setGoal(agent.name, jobId, 'START');
  const again = await waitForState(master, jobId, agent.name, 'RUNNING');
  t.true((await docker.getContainer(again.containerId!).inspect()).State.Running);
  const events = (await master.client.jobs.history(jobId)).events.map((e) => e.status.state);
  t.true(events.includes('STOPPING'));

  await master.client.deployments.undeploy(agent.name, jobId);
  await waitFor(async () => (await taskStatus(master, jobId, agent.name)) === undefined, { timeoutMs: 20_000, message: 'status gone' });
  t.deepEqual(await agentContainers(agent.name), []);
});

test('a failing health check stays HEALTHCHECKING and never reaches RUNNING', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master, { healthBackoff: { baseMs: 100, maxMs: 400 } });
  const jobId = await deployJob(master, agent.name, {
    name: 'sick',
    command: ['sleep', '1000'],
    ports: { http: { internalPort: 8080 } },
    healthCheck: { type: 'http', port: 'http', path: '/' },
  });
  await waitForState(master, jobId, agent.name, 'HEALTHCHECKING');
  await new Promise((r) => setTimeout(r, 2_000));
  const history = (await master.client.jobs.history(jobId)).events.map((e) => e.status.state);
  t.false(history.includes('RUNNING'));
  t.is((await taskStatus(master, jobId, agent.name))?.state, 'HEALTHCHECKING');
  t.true(agent.logs.some((l) => l.msg === 'health check failed'));
});

test('a health check that keeps failing past the give-up time restarts the container, with the reason as its error, until FLAPPING', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master, {
    healthBackoff: { baseMs: 100, maxMs: 200, giveUpMs: 1_000 },
    restartPolicy: { normalDelayMs: 100, flapExits: 3, flappingDelayMs: 60_000 },
  });
  const jobId = await deployJob(master, agent.name, {
    name: 'never-ready', command: ['sleep', '1000'], healthCheck: { type: 'exec', command: ['sh', '-c', 'exit 3'] },
  });
  const exited = await waitForStatus(master, jobId, agent.name, (s) => s.state === 'EXITED', { message: 'restarted for its health' });
  t.regex(exited.containerError ?? '', /^health check failing for 1 s, restarting the container: exec \["sh","-c","exit 3"\] exited 3$/);
  // The same container is started again and checked again.
  await waitFor(async () => (await master.client.jobs.history(jobId)).events.filter((e) => e.status.state === 'STARTING').length >= 2,
    { message: 'started again', timeoutMs: 10_000 });
  t.is((await agentContainers(agent.name)).length, 1);
  // Runs that never got healthy count as no run: the third makes the task FLAPPING, not a restart every timeout.
  const flapping = await waitForStatus(master, jobId, agent.name, (s) => s.throttled === 'FLAPPING', { message: 'FLAPPING', timeoutMs: 20_000 });
  t.is(flapping.state, 'EXITED');
  t.regex(flapping.containerError ?? '', /^health check failing for 1 s/);
});

test('an exec health check passes once the command exits 0', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master, { healthBackoff: { baseMs: 100, maxMs: 200 } });
  const jobId = await deployJob(master, agent.name, {
    name: 'ready',
    command: ['sh', '-c', 'sleep 1; touch /ready; exec sleep 1000'],
    healthCheck: { type: 'exec', command: ['sh', '-c', 'test -e /ready'] },
  });
  await waitForState(master, jobId, agent.name, 'RUNNING');
  const history = (await master.client.jobs.history(jobId)).events.map((e) => e.status.state);
  t.true(history.includes('HEALTHCHECKING'));
});

test('a crash-looping job reaches FLAPPING', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master, {
    restartPolicy: { flapExits: 3, flapWindowMs: 60_000, normalDelayMs: 100, flappingDelayMs: 5_000 },
  });
  const jobId = await deployJob(master, agent.name, { name: 'crasher', command: ['sh', '-c', 'exit 1'] });
  const status = await waitForStatus(master, jobId, agent.name, (s) => s.throttled === 'FLAPPING', { message: 'FLAPPING' });
  t.is(status.state, 'EXITED');
  t.is((await agentContainers(agent.name)).length, 1, 'restarts reuse one container');
});

test('deploys, undeploys and redeploys need no container listing: the view from start-up and the event stream is enough', async (t) => {
  const master = await startMasterFor(t);
  const agent = await startTestAgent(t, master);
  const listings = () => agent.logs.filter((l) => l.msg === 'containers listed').length;
  await waitFor(() => listings() > 0, { message: 'the start-up listing' });
  // The event stream connecting after the first listing makes the agent list once more.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const before = listings();

  const first = await deployJob(master, agent.name, { name: 'viewed', command: ['sleep', '1000'] });
  const running = await waitForState(master, first, agent.name, 'RUNNING');
  await master.client.deployments.undeploy(agent.name, first);
  await waitFor(async () => (await taskStatus(master, first, agent.name)) === undefined, { timeoutMs: 20_000, message: 'status gone' });
  await master.client.deployments.deploy(agent.name, first);
  const again = await waitForState(master, first, agent.name, 'RUNNING');
  t.not(again.containerId, running.containerId, 'a new container after the undeploy');
  t.is((await agentContainers(agent.name)).length, 1);
  t.is(listings(), before, 'no listing on the way');
});
