import type { DeploymentGroupStatusResponse, RollingUpdateResponse } from '../core/schema/deploymentGroup.js';
import type { HeliosClient } from '../core/client/createClient.js';
import { aboutGroup, unknownGroup } from './deploymentGroupView.js';
import type { Output } from './output.js';

/** How often `rolling-update` looks at the group: the master moves on at once, so Helios' 1 s would lag it. */
const POLL_MS = 250;

export interface RolloutResult {
  status: 'DONE' | 'FAILED' | 'TIMEOUT';
  error?: string;
  reverted: boolean;
  previousJobId: string | null;
}

/**
 * Looks at the group until our rollout is over: prints each host once it runs the job, then reads the
 * outcome from the group's history (a later rollout, host-triggered or another rolling-update, may
 * already be running by then).
 */
export async function followRollout(client: HeliosClient, out: Output, group: string, answer: RollingUpdateResponse, deadline: number): Promise<RolloutResult> {
  const reported = new Set<string>();
  for (;;) {
    const status = await aboutGroup(client.deploymentGroups.status(group), unknownGroup(group));
    if (!out.json) reportRunning(out, status, answer.jobId, reported);
    if (status.rollout?.rolloutId !== answer.rolloutId) {
      const record = (await client.deploymentGroups.history(group)).rollouts.find((r) => r.id === answer.rolloutId);
      if (record && record.outcome !== 'ROLLING_OUT') {
        if (record.outcome === 'DONE') return { status: 'DONE', reverted: false, previousJobId: record.previousJobId };
        const replaced = status.deploymentGroup.jobId !== answer.jobId ? 'Deployment-group job id changed during rolling-update' : `rollout ${record.id} ended ${record.outcome}`;
        return { status: 'FAILED', error: record.error || replaced, reverted: record.reverted, previousJobId: record.previousJobId };
      }
      if (!record) return { status: 'FAILED', error: `rollout ${answer.rolloutId} is not in the history of deployment group ${group}`, reverted: false, previousJobId: null };
    }
    if (Date.now() > deadline) return { status: 'TIMEOUT', reverted: false, previousJobId: null };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** 'HOST -> RUNNING (I/N)' once per host that runs the job, as Helios prints it. */
function reportRunning(out: Output, status: DeploymentGroupStatusResponse, jobId: string, reported: Set<string>): void {
  for (const host of status.hostStatuses) {
    if (host.jobId === jobId && host.state === 'RUNNING' && !reported.has(host.host)) {
      reported.add(host.host);
      out.print(`${host.host} -> RUNNING (${reported.size}/${status.hostStatuses.length})`);
    }
  }
}
