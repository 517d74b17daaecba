import type { Goal } from '../../core/schema/status.js';
import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { DEFAULT_POLL_MS, followTasks } from '../followTasks.js';
import { bracketList } from '../format.js';
import { exitCodeOf, explainUnknownHosts, forEachHost, printHostResults } from '../hostResults.js';
import { resolveJob } from '../resolveJob.js';
import { resolveTargets } from '../targets.js';
import { boolFlag, expectPositionals, secondsFlag, stringFlag } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('deploy'),
  help: `Deploys JOB on each HOST (at once) and prints 'Deploying Deployment{jobId=…, goal=START} on
[hosts]' (stderr), then 'HOST: done' or 'HOST: failed: CODE (why)' per host (stdout). A failure on
one host (JOB_ALREADY_DEPLOYED, HOST_NOT_FOUND, PORT_CONFLICT, FORBIDDEN, GIT_OWNED) does not stop
the others; the command exits 1 if any host failed, and a host not found is shown with the known
ones. JOB is a job reference. HOST is a registered host or, as in Helios, a unique prefix of one
(among several, those of the first DNS search domain; still several is AMBIGUOUS_HOST for that
host, listing them). HOST 'local' is this machine's agent, as in job files: the host named like
this machine, or the only host of a master on 127.0.0.1.
  --no-start      deploy with goal STOP: reserved on the host, not started
  --watch         then follow the tasks: one line 'HOST: STATE' per state change, until every
                  host is RUNNING (exit 0), or one FAILED, is throttled, or --timeout passes
                  (exit 1); on a terminal, a pull's progress as a bar while PULLING_IMAGE;
                  ignored with --no-start
  --interval S    seconds between two looks of --watch at the job's history (default 0.1;
                  Helios' 1 s is accepted: no state is missed either way)
  --timeout S     seconds --watch waits (default 120)
  --token T       the job's token, if it was created with one
  --force         change a deployment git owns (the next sync puts it back)
--json: {"jobId", "goal", "hosts": [...], "results": [{"host", "status": "OK"|CODE, "message"}],
"tasks": {host: {"state", "throttled", "containerId"}} (with --watch)}`,
  options: {
    'no-start': { type: 'boolean' },
    watch: { type: 'boolean' },
    interval: { type: 'string' },
    timeout: { type: 'string' },
    token: { type: 'string' },
    force: { type: 'boolean' },
  },
  async run({ positionals, flags, global, out, env }) {
    expectPositionals(this, positionals, 2, Infinity);
    const [ref, ...named] = positionals;
    const timeoutS = secondsFlag(flags.timeout, 'timeout', 120);
    const intervalS = secondsFlag(flags.interval, 'interval', DEFAULT_POLL_MS / 1000);
    const goal: Goal = boolFlag(flags['no-start']) ? 'STOP' : 'START';
    const client = await connect(global);
    const [{ id }, { hosts, failures, known }] = await Promise.all([resolveJob(client, ref), resolveTargets(client, named, { masters: global.masters, env })]);
    const watching = boolFlag(flags.watch) && goal === 'START';
    const since = watching ? await client.jobs.history(id) : undefined;

    if (!out.json) out.info(`Deploying Deployment{jobId=${id}, goal=${goal}} on ${bracketList(hosts)}`);
    const guard = { token: stringFlag(flags.token), force: boolFlag(flags.force) };
    const results = await explainUnknownHosts(client,
      await forEachHost(hosts, (host) => client.deployments.deploy(host, id, { goal, ...guard }), failures), known);
    let code = out.json ? exitCodeOf(results) : printHostResults(out, results);

    let tasks: Awaited<ReturnType<typeof followTasks>> | undefined;
    const deployed = results.filter((r) => r.status === 'OK').map((r) => r.host);
    if (watching && deployed.length > 0 && since) {
      tasks = await followTasks(client, id, deployed, { timeoutMs: timeoutS * 1000, pollMs: intervalS * 1000, before: since.events, out });
      if (!tasks.ok) code = 1;
    }
    if (out.json) out.printJson({ jobId: id, goal, hosts, results, ...(tasks ? { tasks: tasks.tasks } : {}) });
    return code;
  },
});
