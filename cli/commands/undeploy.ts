import { HeliosError } from '../../core/errors/HeliosError.js';
import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { bracketList, stopWaitString } from '../format.js';
import { exitCodeOf, forEachHost, printHostResults } from '../hostResults.js';
import { confirm } from '../prompt.js';
import { resolveJob } from '../resolveJob.js';
import { resolveTargets } from '../targets.js';
import { boolFlag, expectPositionals, stringFlag } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('undeploy'),
  help: `Undeploys JOB from each HOST, or with --all from every host it is deployed on. Prints
'Undeploying <id> from [hosts]' (stderr), then 'HOST: done' or 'HOST: failed: CODE (why)' per host,
then how long each agent gives the container to stop (stderr; the job's secondsToWaitBeforeKill,
120 s by default): until it is removed, helios job shows the task with goal UNDEPLOY.
Exits 1 if any host failed. JOB is a job reference. HOST is a registered host or a unique prefix of
one, as for deploy.
  -a, --all      every host the job is deployed on (asks first, unless --yes)
  --yes          do not ask; needed with --all when stdin is not a terminal
  --token T      the job's token, if it was created with one
  --force        change a deployment git owns (the next sync puts it back)
--json: {"jobId", "hosts": [...], "results": [{"host", "status": "OK"|CODE, "message"}]}`,
  options: {
    all: { type: 'boolean', short: 'a' },
    yes: { type: 'boolean' },
    token: { type: 'string' },
    force: { type: 'boolean' },
  },
  async run({ positionals, flags, global, out, env }) {
    expectPositionals(this, positionals, 1, Infinity);
    const [ref, ...named] = positionals;
    const all = boolFlag(flags.all);
    if (all === (named.length > 0)) {
      throw new HeliosError('INVALID_ARGUMENT', all ? 'give either hosts or --all, not both' : 'name the hosts to undeploy from, or use --all');
    }
    const client = await connect(global);
    const { id, job } = await resolveJob(client, ref);
    const { hosts, failures } = all
      ? { hosts: Object.keys((await client.jobs.status(id)).deployments).sort(), failures: undefined }
      : await resolveTargets(client, named, { masters: global.masters, env });
    if (all && hosts.length > 0 && !(await confirm(`Undeploy ${id} from all ${hosts.length} hosts ${bracketList(hosts)}?`, boolFlag(flags.yes)))) {
      out.info('Aborted.');
      return 1;
    }
    if (!out.json) out.info(hosts.length > 0 ? `Undeploying ${id} from ${bracketList(hosts)}` : `${id} is not deployed on any host`);
    const guard = { token: stringFlag(flags.token), force: boolFlag(flags.force) };
    const results = await forEachHost(hosts, (host) => client.deployments.undeploy(host, id, guard), failures);
    if (out.json) {
      out.printJson({ jobId: id, hosts, results });
      return exitCodeOf(results);
    }
    const code = printHostResults(out, results);
    if (results.some((r) => r.status === 'OK')) out.info(`The container is ${stopWaitString(job)}; until it is removed, helios job shows goal UNDEPLOY.`);
    return code;
  },
});
