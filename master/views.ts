import type { Deployment, HostStatus, Job, JobStatus } from '../core/index.js';
import type { HostDeployment } from './store/deployments.js';
import type { HostRecord } from './store/hosts.js';
import type { Queries } from './store/store.js';
import { groupOfOwner } from './rollouts/owner.js';

/** UP while heartbeats arrive; DOWN after `downAfterMs` without one (computed on read). */
export const isUp = (host: Pick<HostRecord, 'lastSeen'>, downAfterMs: number, now = Date.now()) =>
  host.lastSeen !== null && now - host.lastSeen <= downAfterMs;

/** The API's Deployment; one a deployment group made names it (Helios' deploymentGroupName), from its owner `group:NAME`. */
export const toDeployment = ({ host: _h, ...d }: HostDeployment): Deployment => {
  const group = groupOfOwner(d.owner);
  return group === undefined ? d : { ...d, deploymentGroupName: group };
};

export async function jobStatus(q: Queries, job: Job): Promise<JobStatus> {
  const deployments = Object.fromEntries((await q.deployments.ofJob(job.id)).map((d) => [d.host, toDeployment(d)]));
  return { job, deployments, taskStatuses: await q.statuses.ofJob(job.id) };
}

export async function hostStatus(q: Queries, host: HostRecord, downAfterMs: number): Promise<HostStatus> {
  const jobs = Object.fromEntries((await q.deployments.ofHost(host.name)).map((d) => [d.jobId, toDeployment(d)]));
  return {
    status: isUp(host, downAfterMs) ? 'UP' : 'DOWN',
    hostInfo: host.hostInfo,
    agentInfo: host.agentInfo,
    jobs,
    statuses: await q.statuses.ofHost(host.name),
    environment: host.environment,
    labels: host.labels,
    lastSeen: host.lastSeen,
    dockerError: host.dockerError,
  };
}
