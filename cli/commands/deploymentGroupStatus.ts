import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { aboutGroup, groupStatusText, historyText, unknownGroup } from '../deploymentGroupView.js';
import { searchDomains } from '../searchDomains.js';
import { boolFlag, expectPositionals } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('deployment-group-status'),
  help: `Shows deployment group NAME as Helios does: Name, Job Id, Status (IDLE before its first
rolling update, ROLLING_OUT, ACTIVE when the last one is done, FAILED), Host selectors, Error when
the last rollout failed ('<host>: <why>'); ours adds 'Reverted: yes, …' when auto-revert put the
hosts back on the previous job, and 'Rollout: ID, task I of N' while one runs. Then a table of the
group's hosts that are UP, in the group's order:
  HOST  UP-TO-DATE  JOB  STATE
UP-TO-DATE is X when the host runs the group's job, JOB the job the group deployed there (- for
none). An unknown NAME is 'Unknown deployment group: NAME' (exit 1).
  -f          full host names and job ids (else host names relative to the DNS search domains, as
              helios hosts shows them, and 7 characters of the hash)
  --history   then the group's rollouts, newest first: job, reason (MANUAL or HOSTS_CHANGED), who
              started it, when, outcome (DONE, FAILED, STOPPED, ROLLING_OUT), reverted, duration,
              options, error, and each host's phase (UPDATE, UNDEPLOY, REVERT), result and time
--json: {"deploymentGroup", "status", "error", "hostStatuses": [{"host", "jobId", "state"}],
"deploymentGroupStatus", "reverted", "rollout": {"rolloutId", "tasks", "taskIndex", "reverting"}|null}
and with --history "history": [{"id", "jobId", "previousJobId", "reason", "startedBy", "options",
"started", "finished", "outcome", "error", "errorCode", "reverted", "hosts": [{"host", "phase",
"started", "finished", "result", "error", "errorCode"}]}] (times in ms since the epoch)`,
  options: { f: { type: 'boolean', short: 'f' }, history: { type: 'boolean' } },
  async run({ positionals, flags, global, out, env }) {
    expectPositionals(this, positionals, 1);
    const [name] = positionals;
    const full = boolFlag(flags.f);
    const client = await connect(global);
    const withHistory = boolFlag(flags.history);
    const [status, history] = await aboutGroup(Promise.all([
      client.deploymentGroups.status(name), withHistory ? client.deploymentGroups.history(name) : undefined]), unknownGroup(name));
    if (out.json) {
      out.printJson(history ? { ...status, history: history.rollouts } : status);
      return;
    }
    const view = { full, domains: full ? [] : await searchDomains(env) };
    out.print(await groupStatusText(out, status, view));
    if (history) out.print(`\nHistory:\n${await historyText(out, history.rollouts, view)}`);
  },
});
