/**
 * What must hold after the churn, each checked against the master's API and the Docker engine: no
 * job of the churn is left, the steady containers of the real agent are the very ones of the start
 * (never restarted) and the agent has no other, every base task still RUNNING, every host UP.
 * A check that fails is an error of its own kind.
 */
import type Docker from 'dockerode';
import type { Job, JobStatus } from '../../core/index.js';
import { seg, type JsonClient } from '../lib/http.js';
import { sleep } from '../lib/timing.js';
import { realJob } from './churn.js';
import type { ErrorLog } from './errorLog.js';
import type { SoakSample } from './sample.js';

export interface SteadyContainer {
  jobId: string;
  containerId: string;
  startedAt: string;
}

const STEADY_JOBS = 2;

/** Deploys the real agent's steady jobs and waits until their containers run. */
export async function deploySteady(api: JsonClient, docker: Docker, host: string): Promise<SteadyContainer[]> {
  const steady: SteadyContainer[] = [];
  for (let i = 0; i < STEADY_JOBS; i++) {
    const { id } = await api.request<{ id: string }>('POST', '/jobs', realJob(`steady-${i}`));
    await api.request('PUT', `/hosts/${seg(host)}/jobs/${seg(id)}`, { job: id, goal: 'START' });
    const deadline = performance.now() + 120_000;
    for (;;) {
      const status = (await api.request<JobStatus>('GET', `/jobs/${seg(id)}/status`)).taskStatuses[host];
      if (status?.state === 'RUNNING' && status.containerId) {
        steady.push({ jobId: id, containerId: status.containerId, startedAt: (await docker.getContainer(status.containerId).inspect()).State.StartedAt });
        break;
      }
      if (performance.now() > deadline) throw new Error(`steady job ${id} not RUNNING on ${host} within 2 minutes: ${JSON.stringify(status)}`);
      await sleep(200);
    }
  }
  return steady;
}

export async function checkEnd(o: { api: JsonClient; docker: Docker; agentName: string; steady: SteadyContainer[]; baseJobs: number; last: SoakSample; errors: ErrorLog }): Promise<void> {
  const { api, docker, errors } = o;
  const fail = (kind: string, detail: string) => errors.add(`end check: ${kind}`, new Error(detail));

  const left = Object.keys(await api.request<Record<string, Job>>('GET', '/jobs?q=soak-'));
  if (left.length > 0) fail('churn jobs left on the master', `${left.length}: ${left.slice(0, 5).join(', ')}`);

  const containers = await docker.listContainers({ all: true, filters: { label: [`helios.agent=${o.agentName}`] } });
  const ids = containers.map((c) => c.Id).sort();
  const expected = o.steady.map((s) => s.containerId).sort();
  if (JSON.stringify(ids) !== JSON.stringify(expected)) fail('real agent containers', `${ids.length} on Docker, expected only the ${expected.length} steady ones`);
  for (const s of o.steady) {
    const state = await docker.getContainer(s.containerId).inspect().then((c) => c.State, () => undefined);
    if (!state?.Running || state.StartedAt !== s.startedAt) fail('steady container disturbed', `${s.jobId}: ${state ? `running ${state.Running}, started ${state.StartedAt}` : 'gone'}`);
  }

  const base = Object.keys(await api.request<Record<string, Job>>('GET', '/jobs?q=bench-'));
  if (base.length !== o.baseJobs) fail('base jobs', `${base.length} of ${o.baseJobs}`);
  let notRunning = 0;
  for (let i = 0; i < base.length; i += 500) {
    const statuses = await api.request<Record<string, JobStatus>>('POST', '/jobs/statuses', base.slice(i, i + 500));
    for (const s of Object.values(statuses)) {
      const tasks = Object.values(s.taskStatuses);
      notRunning += 2 - tasks.filter((t) => t.state === 'RUNNING').length;
    }
  }
  if (notRunning > 0) fail('base tasks not RUNNING', `${notRunning} of ${2 * base.length}`);
  if (o.last.hostsDown > 0) fail('hosts DOWN at the end', `${o.last.hostsDown}`);
}
