/**
 * --cleanup, before the agent stops: the agent's containers are removed, or their deployments are
 * kept; never containers running with their deployments gone (which an undeploy the agent had no
 * time to finish left before):
 *
 *   goal STOP ──agent stops each container (the job's kill wait)──► STOPPED ──undeploy──► removed
 *       └── not STOPPED in time (a longer wait, the agent gone) ──► goal as it was: deployment kept
 *
 * The wait is the longest the agent may take: each job's gracePeriod + secondsToWaitBeforeKill.
 */
import type { HeliosClient } from '../../core/client/createClient.js';
import { DEFAULT_SECONDS_TO_WAIT_BEFORE_KILL } from '../../core/model/killWait.js';
import type { Job } from '../../core/schema/job.js';
import type { Deployment, HostStatus } from '../../core/schema/status.js';
import { shortJobId } from '../format.js';
import type { Output } from '../output.js';

export interface CleanupResult {
  /** Jobs whose container is gone and deployment removed. */
  removed: string[];
  /** Jobs whose deployment was kept (its container did not stop in time, or could not be asked to). */
  kept: string[];
}

export interface CleanupOptions {
  /** Added to the longest kill wait: the agent's reaction time and Docker's. */
  marginMs?: number;
  /** How long the agent has to remove a stopped container. */
  removeMs?: number;
  /** Resolves when the agent is gone: nothing more will stop, so the wait ends. */
  agentGone?: Promise<unknown>;
}

/** Null when the master did not answer: nothing was changed. */
export async function cleanupAgent(client: HeliosClient, host: string, out: Output, o: CleanupOptions = {}): Promise<CleanupResult | null> {
  const before = await client.hosts.status(host).catch(() => null);
  if (!before) {
    out.info('cleanup: the master did not answer; deployments and containers stay as they are');
    return null;
  }
  const deployments = Object.values(before.jobs);
  if (deployments.length === 0) return { removed: [], kept: [] };
  const jobs = new Map<string, Job | null>(await Promise.all(deployments.map(async (d) =>
    [d.jobId, await client.jobs.get(d.jobId).catch(() => null)] as const)));
  const guard = (jobId: string) => ({ force: true, token: jobs.get(jobId)?.token });
  const waitS = Math.max(...deployments.map((d) => killWaitS(jobs.get(d.jobId) ?? null)));
  const gone = watchGone(o.agentGone);

  const slowest = deployments.filter((d) => killWaitS(jobs.get(d.jobId) ?? null) === waitS);
  out.info(`cleanup: stopping ${deployments.length} container(s), up to ${waitS} s (the kill wait of ${names(slowest)})`);
  const asked = await settle(deployments, (d) => d.goal === 'STOP' ? Promise.resolve()
    : client.deployments.setGoal(host, d.jobId, 'STOP', guard(d.jobId)), out);
  const stopped = await poll(waitS * 1000 + (o.marginMs ?? 15_000), gone, async () => {
    const now = await client.hosts.status(host).catch(() => null);
    const done = asked.filter((d) => isStopped(now, d.jobId));
    return { done: done.length === asked.length, value: done };
  });

  const undeployed = await settle(stopped, (d) => client.deployments.undeploy(host, d.jobId, guard(d.jobId)), out);
  const left = await poll(o.removeMs ?? 15_000, gone, async () => {
    const now = await client.hosts.status(host).catch(() => null);
    const still = undeployed.filter((d) => !now || Object.hasOwn(now.statuses, d.jobId));
    return { done: still.length === 0, value: still };
  });
  if (left.length > 0) {
    out.info(`the agent did not confirm removing ${left.length} stopped container(s) (${names(left)}); it removes them when it next starts`);
  }

  // What did not stop goes back to the goal it had: its deployment stays, and says what runs.
  const unstopped = deployments.filter((d) => !undeployed.includes(d));
  await settle(unstopped.filter((d) => d.goal !== 'STOP'), (d) => client.deployments.setGoal(host, d.jobId, d.goal, guard(d.jobId)), out);
  if (unstopped.length > 0) {
    out.info(`kept the deployment of ${names(unstopped)}: its container did not stop in ${waitS} s (see the agent log); helios undeploy removes it later`);
  }
  return { removed: undeployed.map((d) => d.jobId), kept: unstopped.map((d) => d.jobId) };
}

const killWaitS = (job: Job | null) => (job?.gracePeriod ?? 0) + (job?.secondsToWaitBeforeKill ?? DEFAULT_SECONDS_TO_WAIT_BEFORE_KILL);

const isStopped = (status: HostStatus | null, jobId: string) => {
  const task = status?.statuses[jobId];
  return task?.goal === 'STOP' && task.state === 'STOPPED';
};

const names = (deployments: Deployment[]) => deployments.map((d) => shortJobId(d.jobId)).join(', ');

/** Runs `call` for each; the ones it worked for (a failure is said, and that deployment left as it is). */
async function settle(deployments: Deployment[], call: (d: Deployment) => Promise<unknown>, out: Output): Promise<Deployment[]> {
  const results = await Promise.all(deployments.map((d) => call(d).then(() => true, (err: Error) => {
    out.info(`${shortJobId(d.jobId)}: ${err.message}`);
    return false;
  })));
  return deployments.filter((_, i) => results[i]);
}

function watchGone(agentGone: Promise<unknown> | undefined): () => boolean {
  let gone = false;
  void agentGone?.then(() => { gone = true; });
  return () => gone;
}

/** Polls `check` until it is done, `ms` have passed or the agent is gone; its last value. */
async function poll<T>(ms: number, gone: () => boolean, check: () => Promise<{ done: boolean; value: T }>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const { done, value } = await check();
    if (done || Date.now() >= deadline || gone()) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
