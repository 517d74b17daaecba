import { createHash } from 'node:crypto';

/** Ownership is decided by labels only: a container without `helios.agent=<us>` is never touched. */
export const AGENT_LABEL = 'helios.agent';
export const JOB_LABEL = 'helios.job';
/** The hash of the create options the agent made the container with (containerSpec.ts `jobSpecHash`). */
export const SPEC_HASH_LABEL = 'helios.spec-hash';
/** The job's secondsToWaitBeforeKill: what the container gets when it is reaped as an orphan. */
export const STOP_TIMEOUT_LABEL = 'helios.stop-timeout';

/**
 * Labels of a task's container: the job's own first, so a job can never claim another agent's label
 * (nor fake the agent's own records of the container).
 */
export function containerLabels(agent: string, jobId: string, jobLabels: Record<string, string> = {},
  records: Record<string, string> = {}): Record<string, string> {
  return { ...jobLabels, [AGENT_LABEL]: agent, [JOB_LABEL]: jobId, ...records };
}

/** Docker has no limit on names; ours keeps them readable in `docker ps`. */
const MAX_NAME = 200;

/**
 * A container name derived from agent and job, so that Docker itself refuses a second container for a
 * task (the name is unique per engine). `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, as Docker requires. A name past
 * 200 characters keeps a hash of agent and job at its end, so two long names never collide.
 * @example containerName('agent-1', 'web:1:2a89d5a8…') // 'helios-agent-1-web_1_2a89d5a87851'
 */
export function containerName(agent: string, jobId: string): string {
  const [name = '', version = '', hash = ''] = jobId.split(':');
  const raw = `helios-${agent}-${name}_${version}_${hash.slice(0, 12)}`;
  const clean = raw.replace(/[^a-zA-Z0-9_.-]/g, '_').replace(/^[^a-zA-Z0-9]+/, '') || 'helios';
  if (clean.length <= MAX_NAME) return clean;
  const unique = createHash('sha1').update(`${agent}\0${jobId}`).digest('hex').slice(0, 12);
  return `${clean.slice(0, MAX_NAME - unique.length - 1)}-${unique}`;
}
