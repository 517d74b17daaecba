import type { Deployment, HostStatus, Job, JobStatus } from '../core/index.js';
import type { HostDeployment } from './store/deployments.js';
import type { HostRecord } from './store/hosts.js';
import type { MasterContext } from './context.js';

/** UP while heartbeats arrive; DOWN after `downAfterMs` without one (computed on read). */
export const isUp = (host: Pick<HostRecord, 'lastSeen'>, downAfterMs: number, now = Date.now()) =>
  host.lastSeen !== null && now - host.lastSeen <= downAfterMs;

export const toDeployment = ({ host: _h, ...d }: HostDeployment): Deployment => d;

export function jobStatus(ctx: MasterContext, job: Job): JobStatus {
  const deployments = Object.fromEntries(ctx.store.deployments.ofJob(job.id).map((d) => [d.host, toDeployment(d)]));
  return { job, deployments, taskStatuses: ctx.store.statuses.ofJob(job.id) };
}

export function hostStatus(ctx: MasterContext, host: HostRecord): HostStatus {
  const jobs = Object.fromEntries(ctx.store.deployments.ofHost(host.name).map((d) => [d.jobId, toDeployment(d)]));
  return {
    status: isUp(host, ctx.options.downAfterMs) ? 'UP' : 'DOWN',
    hostInfo: host.hostInfo,
    agentInfo: host.agentInfo,
    jobs,
    statuses: ctx.store.statuses.ofHost(host.name),
    environment: host.environment,
    labels: host.labels,
    lastSeen: host.lastSeen,
    dockerError: host.dockerError,
  };
}
