/**
 * What the agent is given can be wrong (F21): a state file broken in any field, or a desired task it
 * cannot make sense of. It must start anyway, reap nothing before the master has answered, and never
 * die of one bad task. Real agent, real Docker.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { agentContainers, deployJob, startMasterFor, startTestAgent, uniqueName, waitForState } from './harness/agent.js';
import { freePort, tempDir, waitFor } from './harness/processes.js';

const quickJob = { command: ['sleep', '1000'], init: true };

test('an agent whose state file is broken in any field starts, reaps nothing before the master answers, and logs what was wrong', async (t) => {
  const master = await startMasterFor(t);
  const name = uniqueName('badstate');
  const state = await tempDir('helios-agent-');
  t.teardown(state.cleanup);
  const first = await startTestAgent(t, master, { name, stateDir: state.path });
  const jobId = await deployJob(master, name, { name: 'kept', ...quickJob });
  const running = await waitForState(master, jobId, name, 'RUNNING');
  await first.stop();

  const task = { jobId, goal: 'START', job: await master.client.jobs.get(jobId) };
  const { agentId, clusterId } = JSON.parse(await readFile(join(state.path, 'state.json'), 'utf8')) as Record<string, unknown>;
  const sound = { agentId, clusterId, index: 57, tasks: [task], ports: {} };
  const broken: Record<string, Record<string, unknown>> = {
    'tasks not a list': { tasks: { [jobId]: task } },
    'a task without its job': { tasks: [{ jobId, goal: 'START' }] },
    'a task whose job is a string': { tasks: [{ ...task, job: 'kept:1' }] },
    'an index that is a string': { index: '57' },
    'a port that is a word': { ports: { [jobId]: { http: 'eighty' } } },
  };
  // No master answers at this address: the broken file is all the agent has.
  const away = { url: `http://127.0.0.1:${await freePort()}` };
  for (const [what, change] of Object.entries(broken)) {
    await writeFile(join(state.path, 'state.json'), JSON.stringify({ ...sound, ...change }));
    const agent = await startTestAgent(t, away, { name, stateDir: state.path, resyncMs: 200 });
    const complaint = agent.logs.find((l) => l.msg === 'agent state file unreadable, starting empty');
    t.regex(String((complaint?.err as { message?: string } | undefined)?.message), /state\.json: \/(tasks|index|ports)/, what);
    t.true(agent.logs.some((l) => l.msg === 'agent started'), what);
    await sleep(1_000); // five resyncs
    const containers = await agentContainers(name);
    t.deepEqual(containers.map((c) => [c.Id, c.State]), [[running.containerId, 'running']], `${what}: the container neither stopped nor removed`);
    await agent.stop();
  }

  // The master answers again: the container is the task's, adopted as it is.
  const back = await startTestAgent(t, master, { name, stateDir: state.path });
  await waitFor(() => back.logs.some((l) => l.msg === 'adopting the container of a past run'), { message: 'the container adopted' });
  const again = await waitForState(master, jobId, name, 'RUNNING');
  t.is(again.containerId, running.containerId);
});

test('a desired task without its job (a master of another version) is logged, and the agent lives on and runs the others', async (t) => {
  const master = await startMasterFor(t);
  const port = Number(new URL(master.url).port);
  // A stand-in for a master that sends a task in a shape this agent does not know: forwards to the
  // real one and drops `job` from the task of "broken" in every desired set (asking for answers
  // uncompressed, so that it can read them).
  const proxy = createServer((req, res) => {
    const upstream = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: { ...req.headers, 'accept-encoding': 'identity' } }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        let body = Buffer.concat(chunks).toString('utf8');
        if (req.url?.includes('/tasks') && answer.statusCode === 200) {
          const desired = JSON.parse(body) as { tasks: Array<{ jobId: string; job?: unknown }> };
          for (const task of desired.tasks) if (task.jobId.startsWith('broken:')) delete task.job;
          body = JSON.stringify(desired);
        }
        const headers = { ...answer.headers, 'content-length': String(Buffer.byteLength(body)) };
        delete headers['transfer-encoding'];
        res.writeHead(answer.statusCode ?? 502, headers);
        res.end(body);
      });
    });
    upstream.on('error', () => { res.writeHead(502); res.end(); });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => { proxy.closeAllConnections(); proxy.close(() => resolve()); }));
  const agent = await startTestAgent(t, { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` });

  const fine = await deployJob(master, agent.name, { name: 'fine', ...quickJob });
  const broken = await deployJob(master, agent.name, { name: 'broken', ...quickJob });
  await waitForState(master, fine, agent.name, 'RUNNING');
  await waitFor(() => agent.logs.some((l) => l.jobId === broken && l.msg === 'task step failed and could not be reported'),
    { message: 'the broken task logged' });
  const later = await deployJob(master, agent.name, { name: 'later', ...quickJob });
  await waitForState(master, later, agent.name, 'RUNNING');
  t.deepEqual((await agentContainers(agent.name)).map((c) => c.Labels['helios.job']).sort(), [fine, later].sort());
});
