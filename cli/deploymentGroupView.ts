/**
 * What the deployment-group commands print about a group, shared by `deployment-group-status`,
 * `watch-deployment-group` and `rolling-update`: Helios' status block (DeploymentGroupStatusCommand)
 * and its rollout options line (RollingUpdateCommand), plus ours: reverted, the rollout's progress and
 * the group's history.
 */
import { HeliosError } from '../core/errors/HeliosError.js';
import { formatHostSelector } from '../core/model/hostSelector.js';
import type { EffectiveRolloutOptions } from '../core/model/rolloutOptions.js';
import type { DeploymentGroupStatusResponse, RolloutRecord } from '../core/schema/deploymentGroup.js';
import { shortJobId, utcTimestamp } from './format.js';
import { shortHostName } from './hostNames.js';
import { colorState, type Output } from './output.js';

/**
 * Runs a call about group `name`; its DEPLOYMENT_GROUP_NOT_FOUND is given `message` (Helios' text
 * for that command), the rest passes unchanged.
 */
export async function aboutGroup<T>(call: Promise<T>, message: string): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof HeliosError && err.code === 'DEPLOYMENT_GROUP_NOT_FOUND') {
      throw new HeliosError('DEPLOYMENT_GROUP_NOT_FOUND', `${message} (helios list-deployment-groups shows them)`, {}, { cause: err });
    }
    throw err;
  }
}

export const unknownGroup = (name: string) => `Unknown deployment group: ${name}`;

export interface ViewOptions {
  /** Full host names and job ids (-f). */
  full: boolean;
  /** The DNS search domains host names are shown relative to (none with -f). */
  domains: readonly string[];
}

/**
 * Helios' status block: Name, Job Id (7-character hash unless -f), Status, Host selectors, Error
 * when there is one; ours adds Reverted and the rollout's progress. Then a blank line and the table
 * HOST UP-TO-DATE JOB STATE of the group's UP hosts (X: the host runs the group's job).
 */
export async function groupStatusText(out: Output, status: DeploymentGroupStatusResponse, view: ViewOptions): Promise<string> {
  const group = status.deploymentGroup;
  const jobId = group.jobId ?? null;
  const showJob = (id: string | null) => (id === null ? null : view.full ? id : shortJobId(id));
  const lines = [
    `Name: ${group.name}`,
    `Job Id: ${showJob(jobId)}`,
    `Status: ${colorState(out.colors, status.status)}`,
    'Host selectors:',
    ...group.hostSelectors.map((selector) => `  ${formatHostSelector(selector)}`),
  ];
  if (status.error) lines.push(`Error: ${status.error}`);
  if (status.reverted) lines.push('Reverted: yes, the hosts it touched run the previous job again');
  if (status.rollout) {
    const { taskIndex, tasks, reverting } = status.rollout;
    lines.push(`Rollout: ${status.rollout.rolloutId}, task ${Math.min(taskIndex + 1, tasks.length)} of ${tasks.length}${reverting ? ' (reverting)' : ''}`);
  }
  const table = await out.renderTable(['HOST', 'UP-TO-DATE', 'JOB', 'STATE'], status.hostStatuses.map((host) => [
    view.full ? host.host : shortHostName(host.host, view.domains),
    host.jobId !== null && host.jobId === jobId ? 'X' : '',
    showJob(host.jobId) ?? '-',
    host.state === null ? '-' : colorState(out.colors, host.state),
  ]));
  return `${lines.join('\n')}\n\n${table}`;
}

/** `parallelism=1, timeout=300, overlap=false, token=, ignoreFailures=false, migrate=false`, then ours. */
export function optionsText(o: EffectiveRolloutOptions): string {
  return `parallelism=${o.parallelism}, timeout=${o.timeout}, overlap=${o.overlap}, token=${o.token}, `
    + `ignoreFailures=${o.ignoreFailures}, migrate=${o.migrate}, autoRevert=${o.autoRevert}, minHealthySeconds=${o.minHealthySeconds}`;
}

/** Seconds with two decimals, as Helios prints a rolling update's duration. */
export const secondsText = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/**
 * The group's rollouts, newest first: a headline per rollout (job, reason, who, when, outcome and
 * how long), its options and error, then a table of its hosts in the order they were started.
 */
export async function historyText(out: Output, rollouts: readonly RolloutRecord[], view: ViewOptions): Promise<string> {
  if (rollouts.length === 0) return 'No rollouts yet.';
  const blocks: string[] = [];
  for (const r of rollouts) {
    const job = view.full ? r.jobId : shortJobId(r.jobId);
    const took = r.finished === null ? 'in progress' : `after ${secondsText(r.finished - r.started)}`;
    const lines = [
      `Rollout ${r.id}: ${job} (${r.reason}, by ${r.startedBy}), started ${utcTimestamp(r.started)} UTC: ${colorState(out.colors, r.outcome)}${r.reverted ? ', reverted' : ''} ${took}`,
      `  Options: ${optionsText(r.options)}`,
    ];
    if (r.previousJobId !== null) lines.push(`  Previous job: ${view.full ? r.previousJobId : shortJobId(r.previousJobId)}`);
    if (r.error) lines.push(`  Error: ${r.error}${r.errorCode ? ` (${r.errorCode})` : ''}`);
    if (r.hosts.length > 0) {
      const table = await out.renderTable(['HOST', 'PHASE', 'RESULT', 'STARTED (UTC)', 'DURATION', 'ERROR'], r.hosts.map((h) => [
        view.full ? h.host : shortHostName(h.host, view.domains), h.phase, colorState(out.colors, h.result), utcTimestamp(h.started),
        h.finished === null ? '' : secondsText(h.finished - h.started), h.error ?? '',
      ]));
      lines.push(table.split('\n').map((line) => `  ${line}`).join('\n'));
    }
    blocks.push(lines.join('\n'));
  }
  return blocks.join('\n\n');
}
