import { HeliosError } from '../../core/errors/HeliosError.js';
import type { Job } from '../../core/schema/job.js';
import { parseHostSelector } from '../../core/model/hostSelector.js';
import { effectiveRolloutOptions } from '../../core/model/rolloutOptions.js';
import { aboutGroup, optionsText, unknownGroup } from '../deploymentGroupView.js';
import { followRollout } from '../followRollout.js';
import type { Helios, HeliosContext } from './helios.js';
import { durationMs } from './helios.js';

const DEFAULT_ROLLOUT_WAIT_MS = 60 * 60_000;

/**
 * helios.deploymentGroups: the deployment-group commands (create-, remove-, list-, inspect-,
 * deployment-group-status, rolling-update, stop-deployment-group) over core's client, with their
 * not-found messages; a rolling update is followed as `rolling-update` follows it (its 'HOST ->
 * RUNNING (I/N)' lines on stdout).
 */
export function groupCalls(context: HeliosContext, resolve: (ref: string) => Promise<{ id: string; job: Job }>,
  say: (line: string) => void): Helios['deploymentGroups'] {
  const { client, out, dryRun } = context;
  const groups = client.deploymentGroups;
  /** A write to an existing group, or in a dry run the line saying it, once the group is known to exist. */
  const write = async (name: string, line: string, call: () => Promise<unknown>) => {
    if (dryRun) {
      await aboutGroup(groups.get(name), unknownGroup(name));
      say(line);
    } else {
      await aboutGroup(call(), unknownGroup(name));
    }
  };
  return {
    list: () => groups.list(),
    inspect: (name) => aboutGroup(groups.get(name), unknownGroup(name)),
    async create(name, selectors) {
      const group = { name, hostSelectors: selectors.map(parseHostSelector) };
      if (dryRun) {
        say(`create deployment group ${JSON.stringify(group)}`);
        return 'CREATED';
      }
      return (await groups.create(group)).status;
    },
    remove: (name) => write(name, `remove deployment group ${name}`, () => groups.remove(name)),
    status: (name) => aboutGroup(groups.status(name), unknownGroup(name)),
    history: (name) => aboutGroup(groups.history(name), unknownGroup(name)),
    async rollingUpdate(job, group, o = {}) {
      const { wait, waitTimeout, ...rolloutOptions } = o;
      const deadline = Date.now() + durationMs(waitTimeout, DEFAULT_ROLLOUT_WAIT_MS, 'rollingUpdate: waitTimeout');
      const { id, job: target } = await resolve(job);
      if (dryRun) {
        const current = await aboutGroup(groups.get(group), unknownGroup(group));
        const options = effectiveRolloutOptions(rolloutOptions, target.rolloutOptions);
        say(`rolling update of ${group} (now ${current.jobId ?? 'no job'}) to ${id} (${optionsText(options)})`);
        return { rolloutId: 0, jobId: id, options, status: 'STARTED' };
      }
      const answer = await aboutGroup(groups.rollingUpdate(group, { job: id, rolloutOptions }), unknownGroup(group));
      const started = { rolloutId: answer.rolloutId, jobId: id, options: answer.rolloutOptions };
      if (wait === false) return { ...started, status: 'STARTED' };
      const result = await followRollout(client, out, group, answer, deadline);
      if (result.status === 'TIMEOUT') {
        throw new HeliosError('WAIT_TIMED_OUT', `timed out waiting for the rolling update of ${group} to ${id} (it goes on)`, { group, ...started });
      }
      if (result.status === 'FAILED') {
        const reverted = result.reverted ? ` (reverted: the hosts it touched run ${result.previousJobId} again)` : '';
        throw new HeliosError('ROLLOUT_FAILED', `rolling update of ${group} to ${id} failed: ${result.error}${reverted}`, { group, ...started, error: result.error, reverted: result.reverted });
      }
      return { ...started, status: 'DONE' };
    },
    stop: (name) => write(name, `stop deployment group ${name}`, () => groups.stop(name)),
  };
}
