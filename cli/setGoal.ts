import type { Goal } from '../core/schema/status.js';
import type { RunArgs } from './command.js';
import { connect } from './connect.js';
import { bracketList } from './format.js';
import { exitCodeOf, forEachHost, printHostResults } from './hostResults.js';
import { resolveJob } from './resolveJob.js';
import { resolveTargets } from './targets.js';
import { boolFlag, stringFlag } from './usage.js';

export const goalOptions = { token: { type: 'string' }, force: { type: 'boolean' } } as const;

export const goalHelp = (verb: string, goal: Goal) => `Sets the goal of JOB's deployment on each HOST to ${goal}. Prints '${verb} <id> on [hosts]'
(stderr), then 'HOST: done' or 'HOST: failed: CODE (why)' per host; exits 1 if any host failed.
JOB is a job reference; HOST a registered host or a unique prefix of one, as for deploy.
  --token T   the job's token, if it was created with one
  --force     change a deployment git owns (the next sync puts it back)
--json: {"jobId", "goal": "${goal}", "hosts": [...], "results": [{"host", "status": "OK"|CODE, "message"}]}`;

/** `start` and `stop`: the same command with another goal. */
export async function setGoal({ positionals, flags, global, out, env }: RunArgs, goal: Goal, verb: string): Promise<number> {
  const [ref, ...named] = positionals;
  const client = await connect(global);
  const [{ id }, { hosts, failures }] = await Promise.all([resolveJob(client, ref), resolveTargets(client, named, { masters: global.masters, env })]);
  if (!out.json) out.info(`${verb} ${id} on ${bracketList(hosts)}`);
  const guard = { token: stringFlag(flags.token), force: boolFlag(flags.force) };
  const results = await forEachHost(hosts, (host) => client.deployments.setGoal(host, id, goal, guard), failures);
  if (out.json) {
    out.printJson({ jobId: id, goal, hosts, results });
    return exitCodeOf(results);
  }
  return printHostResults(out, results);
}
