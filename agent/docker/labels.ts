/** Ownership is decided by labels only: a container without `helios.agent=<us>` is never touched. */
export const AGENT_LABEL = 'helios.agent';
export const JOB_LABEL = 'helios.job';

/** Labels of a task's container: the job's own first, so a job can never claim another agent's label. */
export function containerLabels(agent: string, jobId: string, jobLabels: Record<string, string> = {}): Record<string, string> {
  return { ...jobLabels, [AGENT_LABEL]: agent, [JOB_LABEL]: jobId };
}

/**
 * A container name derived from agent and job, so that Docker itself refuses a second container for a
 * task (the name is unique per engine). `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, as Docker requires.
 * @example containerName('agent-1', 'web:1:2a89d5a8…') // 'helios-agent-1-web_1_2a89d5a87851'
 */
export function containerName(agent: string, jobId: string): string {
  const [name = '', version = '', hash = ''] = jobId.split(':');
  const raw = `helios-${agent}-${name}_${version}_${hash.slice(0, 12)}`;
  const clean = raw.replace(/[^a-zA-Z0-9_.-]/g, '_').replace(/^[^a-zA-Z0-9]+/, '');
  return clean.slice(0, 200) || 'helios';
}
