import { HeliosError } from '../../core/errors/HeliosError.js';
import type { JobStatus } from '../../core/schema/status.js';
import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { commandString, envString, goalOn, portsString, shortContainerId, statusHosts, taskReason } from '../format.js';
import { colorState, type Colors } from '../output.js';
import { shortHostName } from '../hostNames.js';
import { resolveJob } from '../resolveJob.js';
import { searchDomains } from '../searchDomains.js';
import { boolFlag, expectPositionals, stringFlag } from '../usage.js';
import { commandMeta } from '../registry.js';

export const STATUS_COLUMNS = ['JOB ID', 'HOST', 'GOAL', 'STATE', 'CONTAINER ID', 'PORTS', 'THROTTLED?', 'COMMAND', 'ENVIRONMENT', 'REASON'];

export default defineCommand({
  ...commandMeta('job'),
  help: `Shows one row per host a job is deployed on (every job without JOB or -j):
  JOB ID  HOST  GOAL  STATE  CONTAINER ID  PORTS  THROTTLED?  COMMAND  ENVIRONMENT  REASON
GOAL is what was asked (START, STOP; UNDEPLOY once undeployed, until the agent has removed the
container); STATE what the agent reports (PULLING_IMAGE, CREATING, STARTING, HEALTHCHECKING,
RUNNING, EXITED, STOPPING, STOPPED, FAILED; '-' before the first report). HOST is shown relative to
the DNS search domains (web1 for web1.example.com with 'search example.com') and CONTAINER ID in 12
characters, unless -f; PORTS as docker ps prints them, name=ip:host->container/proto, with the host
ports the agent bound; THROTTLED? is NO, FLAPPING, IMAGE_MISSING or IMAGE_PULL_FAILED; ENVIRONMENT
is the task's environment as K=V; REASON why the task is in its state: the container's error
(FAILED, EXITED), the last failed health check (HEALTHCHECKING), the time a STOPPING container has.
JOB is a job reference: any unambiguous part of name:version:hash.
  -j, --job FILTER     as Helios' status: every job whose id contains FILTER (none: exit 1)
  --host PATTERN       only hosts whose name matches PATTERN, a regular expression found anywhere
                       in the name (as Helios: web matches web1 and web2); no job deployed on such
                       a host is JOB_NOT_DEPLOYED (exit 1)
  -f, --full           full host names and container ids
--json: {"<job id>": {"job": Job, "deployments": {host: Deployment}, "taskStatuses": {host: TaskStatus}}}
(with --host, only the jobs deployed on a matching host, and only those hosts)`,
  options: {
    job: { type: 'string', short: 'j' },
    host: { type: 'string' },
    full: { type: 'boolean', short: 'f' },
  },
  async run({ positionals, flags, global, out, env }) {
    expectPositionals(this, positionals, 0, 1);
    const filter = stringFlag(flags.job);
    if (filter !== undefined && positionals.length > 0) {
      throw new HeliosError('INVALID_ARGUMENT', `give JOB or -j FILTER, not both (see helios ${this.name} --help)`);
    }
    const pattern = stringFlag(flags.host) || undefined;
    const hostMatches = pattern === undefined ? () => true : await hostPatternTest(pattern);
    const client = await connect(global);
    let statuses: Record<string, JobStatus>;
    if (positionals[0] !== undefined) {
      const { id } = await resolveJob(client, positionals[0]);
      statuses = { [id]: await client.jobs.status(id) };
    } else {
      const ids = Object.keys(await client.jobs.list({ q: filter, hostPattern: pattern })).sort();
      if (filter !== undefined && ids.length === 0) throw new HeliosError('UNKNOWN_JOB', `job filter ${filter} matched no jobs`, { filter });
      statuses = ids.length > 0 ? await client.jobs.statuses(ids) : {};
    }
    if (pattern !== undefined) {
      const unfiltered = statuses;
      statuses = Object.fromEntries(Object.entries(unfiltered).map(([id, s]) => [id, onlyHosts(s, hostMatches)] as const).filter(([, s]) => statusHosts(s).length > 0));
      if (Object.keys(statuses).length === 0) {
        const what = positionals[0] === undefined ? 'no job is deployed on a host' : `${Object.keys(unfiltered)[0]} is deployed on no host`;
        throw new HeliosError('JOB_NOT_DEPLOYED', `${what} matching ${pattern}; helios hosts ${pattern} shows whether such a host exists and is up`, { hostPattern: pattern });
      }
    }
    if (out.json) {
      out.printJson(statuses);
      return;
    }
    const full = boolFlag(flags.full);
    const domains = full ? [] : await searchDomains(env);
    const rows = Object.entries(statuses).sort(([a], [b]) => (a < b ? -1 : 1)).flatMap(([id, s]) => statusRows(id, s, out.colors, { full, domains }));
    await out.printTable(STATUS_COLUMNS, rows);
  },
});

/**
 * `--host PATTERN` as a test of host names: a regular expression found anywhere in the name, as
 * Helios' client filter (Guava's containsPattern) and the master's hostPattern, on the master's
 * engine (core's RE2 name patterns: nothing backtracks). Loaded only when --host is given.
 */
async function hostPatternTest(pattern: string): Promise<(host: string) => boolean> {
  const { compileNamePattern } = await import('../../core/model/namePattern.js');
  try {
    const compiled = compileNamePattern(pattern);
    return (host) => compiled.test(host);
  } catch (err) {
    if (err instanceof HeliosError) throw new HeliosError(err.code, `--host: ${err.message}`, err.data, { cause: err });
    throw err;
  }
}

function onlyHosts(s: JobStatus, keep: (host: string) => boolean): JobStatus {
  const pick = <T>(m: Record<string, T>) => Object.fromEntries(Object.entries(m).filter(([host]) => keep(host)));
  return { ...s, deployments: pick(s.deployments), taskStatuses: pick(s.taskStatuses) };
}

/**
 * One row per host that has a deployment or a task status for the job; host names short and
 * container ids 12 characters unless `full`.
 */
function statusRows(id: string, s: JobStatus, colors: Colors, names: { full: boolean; domains: readonly string[] }): string[][] {
  return statusHosts(s).map((host) => {
    const task = s.taskStatuses[host];
    return [
      id, names.full ? host : shortHostName(host, names.domains), goalOn(s, host) ?? '-',
      colorState(colors, task?.state ?? '-'),
      task ? (names.full ? task.containerId ?? '<none>' : shortContainerId(task.containerId)) : '',
      portsString(task?.ports ?? s.job.ports),
      task?.throttled ?? '',
      commandString(s.job.command),
      envString(task?.env ?? s.job.env),
      task ? taskReason(task, s.job) : '',
    ];
  });
}
