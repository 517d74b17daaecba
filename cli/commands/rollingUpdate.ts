import { HeliosError } from '../../core/errors/HeliosError.js';
import type { RolloutOptions } from '../../core/model/rolloutOptions.js';
import { defineCommand, type FlagValue } from '../command.js';
import { connect } from '../connect.js';
import { aboutGroup, optionsText, unknownGroup } from '../deploymentGroupView.js';
import { shortJobId } from '../format.js';
import { followRollout } from '../followRollout.js';
import { resolveJob } from '../resolveJob.js';
import { boolFlag, countFlag, expectPositionals, stringFlag } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('rolling-update'),
  help: `Rolls deployment group GROUP out to JOB (a job reference, resolved as deploy does): the
group's UP hosts, in its order, a chunk of --par hosts at a time, each chunk's old job undeployed,
the new one deployed and awaited RUNNING (with --overlap: deployed and RUNNING first, then the old
one undeployed). A rolling update of a group already rolling out replaces that one.
Prints 'Rolling update started: GROUP -> JOB (parallelism=…, timeout=…, overlap=…, token=…,
ignoreFailures=…, migrate=…, autoRevert=…, minHealthySeconds=…)' (stderr; '(async)' with
--async), the options the master runs it with: each flag given, else the job's rolloutOptions,
else the default. Then, until the rollout ends, 'HOST -> RUNNING (I/N)' as each host runs JOB,
and 'Done.' (exit 0), 'Failed: <host>: <why>' (exit 1, with '(reverted: the hosts it touched run
<job> again)' after --auto-revert) or 'Timed out! (rolling-update still in progress)' (exit 1),
and 'Duration: S.SS s'. A rollout replaced by another rolling update fails this command
('Failed: Deployment-group job id changed during rolling-update' when the job changed).
  -t, --timeout S            fail the rollout when one step (a host's undeploy, deploy, wait for
                             RUNNING) takes longer than S seconds (default 300)
  -p, --par N                hosts updated at once (default 1); --parallelism N is the same
      --async                do not wait for the rollout: exit once it has started
  -T, --rollout-timeout MIN  how long this command waits, in minutes (default 60; 0.5 is 30 s);
                             the rollout goes on after it gives up
      --migrate              also undeploy JOB's id where it was deployed by hand or by another
                             group, not only the group's own jobs: once, to move a service into a
                             group
      --overlap              deploy the new job before undeploying the old one on each host; a
                             job with a static external port is refused (both would need it)
      --token T              the jobs' token, for their undeploy and deploy
      --ignore-failures      go on through every failure to the last host (careful: it may take
                             the whole service down)
      --auto-revert          when the rollout fails, put the hosts it touched back on the
                             group's previous job; the group ends FAILED, reverted
      --min-healthy-seconds S  a host is done once its task has been RUNNING (and its health
                             check passing) for S seconds (default 0)
      --force                roll out a group a git source declares (GIT_OWNED otherwise: commit
                             the job file instead); its next sync rolls it back to the file's job
--json: {"status": "DONE"|"FAILED"|"TIMEOUT" ("OK" with --async), "error" (when FAILED),
"duration" (seconds; not with --async), "rolloutId", "reverted", "parallelism", "timeout",
"overlap", "token", "ignoreFailures", "migrate", "autoRevert", "minHealthySeconds"}`,
  options: {
    timeout: { type: 'string', short: 't' },
    par: { type: 'string', short: 'p' },
    parallelism: { type: 'string' },
    async: { type: 'boolean' },
    'rollout-timeout': { type: 'string', short: 'T' },
    migrate: { type: 'boolean' },
    overlap: { type: 'boolean' },
    token: { type: 'string' },
    'ignore-failures': { type: 'boolean' },
    'auto-revert': { type: 'boolean' },
    'min-healthy-seconds': { type: 'string' },
    force: { type: 'boolean' },
  },
  async run({ positionals, flags, global, out }) {
    expectPositionals(this, positionals, 2);
    const [ref, group] = positionals;
    const requested = requestedOptions(flags);
    const waitMs = minutesFlag(flags['rollout-timeout']) * 60_000;
    const async = boolFlag(flags.async);
    const started = Date.now();
    const client = await connect(global);
    const { id } = await resolveJob(client, ref);
    const answer = await aboutGroup(client.deploymentGroups.rollingUpdate(group, { job: id, rolloutOptions: requested }, { force: boolFlag(flags.force) }), unknownGroup(group));
    const summary = { rolloutId: answer.rolloutId, ...answer.rolloutOptions };
    if (!out.json) out.info(`Rolling update${async ? ' (async)' : ''} started: ${group} -> ${shortJobId(id)} (${optionsText(answer.rolloutOptions)})`);
    if (async) {
      if (out.json) out.printJson({ status: 'OK', ...summary });
      return 0;
    }
    const result = await followRollout(client, out, group, answer, started + waitMs);
    const duration = (Date.now() - started) / 1000;
    if (out.json) {
      out.printJson({ status: result.status, ...(result.error === undefined ? {} : { error: result.error }), duration, reverted: result.reverted, ...summary });
    } else {
      out.print();
      if (result.status === 'DONE') out.print('Done.');
      else if (result.status === 'TIMEOUT') out.print('Timed out! (rolling-update still in progress)');
      else out.print(`Failed: ${result.error}${result.reverted ? ` (reverted: the hosts it touched run ${result.previousJobId} again)` : ''}`);
      out.print(`Duration: ${duration.toFixed(2)} s`);
    }
    return result.status === 'DONE' ? 0 : 1;
  },
});

/** The options given on the command line; the master fills the rest from the job, then the defaults. */
function requestedOptions(flags: Record<string, FlagValue>): RolloutOptions {
  const par = countFlag(flags.par, 'par');
  const parallelism = countFlag(flags.parallelism, 'parallelism');
  const given = {
    timeout: countFlag(flags.timeout, 'timeout'),
    parallelism: par ?? parallelism,
    migrate: flags.migrate === true ? true : undefined,
    overlap: flags.overlap === true ? true : undefined,
    token: stringFlag(flags.token),
    ignoreFailures: flags['ignore-failures'] === true ? true : undefined,
    autoRevert: flags['auto-revert'] === true ? true : undefined,
    minHealthySeconds: wholeSeconds(flags['min-healthy-seconds']),
  };
  return Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
}

/** -T: Helios' whole minutes, or a fraction of one (0.5: 30 s). */
function minutesFlag(value: FlagValue): number {
  if (value === undefined) return 60;
  const minutes = Number(value);
  if (typeof value !== 'string' || !Number.isFinite(minutes) || minutes <= 0) {
    throw new HeliosError('INVALID_ARGUMENT', `--rollout-timeout must be a positive number of minutes, got '${String(value)}'`);
  }
  return minutes;
}

function wholeSeconds(value: FlagValue): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) {
    throw new HeliosError('INVALID_ARGUMENT', `--min-healthy-seconds must be a whole number of seconds (0 or more), got '${String(value)}'`);
  }
  return Number(value);
}
