import type { JobStatus } from '../../core/schema/status.js';
import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { commandString, envString, goalOn, portsString, shortContainerId, taskReason } from '../format.js';
import { colorState, type Colors } from '../output.js';
import { resolveJob } from '../resolveJob.js';
import { expectPositionals, stringFlag } from '../usage.js';
import { commandMeta } from '../registry.js';

export const STATUS_COLUMNS = ['JOB ID', 'HOST', 'GOAL', 'STATE', 'CONTAINER ID', 'PORTS', 'THROTTLED?', 'COMMAND', 'ENVIRONMENT', 'REASON'];

export default defineCommand({
  ...commandMeta('job'),
  help: `Shows one row per host a job is deployed on (every job without JOB):
  JOB ID  HOST  GOAL  STATE  CONTAINER ID  PORTS  THROTTLED?  COMMAND  ENVIRONMENT  REASON
GOAL is what was asked (START, STOP; UNDEPLOY once undeployed, until the agent has removed the
container); STATE what the agent reports (PULLING_IMAGE, CREATING, STARTING, HEALTHCHECKING,
RUNNING, EXITED, STOPPING, STOPPED, FAILED; '-' before the first report). CONTAINER ID is 12
characters; PORTS as docker ps prints them, name=ip:host->container/proto, with the host ports the
agent bound; THROTTLED? is NO, FLAPPING, IMAGE_MISSING or IMAGE_PULL_FAILED; ENVIRONMENT is the
task's environment as K=V; REASON why the task is in its state: the container's error (FAILED,
EXITED), the last failed health check (HEALTHCHECKING), the time a STOPPING container has.
JOB is a job reference: any unambiguous part of name:version:hash.
  --host HOST   only that host
--json: {"<job id>": {"job": Job, "deployments": {host: Deployment}, "taskStatuses": {host: TaskStatus}}}`,
  options: { host: { type: 'string' } },
  async run({ positionals, flags, global, out }) {
    expectPositionals(this, positionals, 0, 1);
    const client = await connect(global);
    const host = stringFlag(flags.host);
    let statuses: Record<string, JobStatus>;
    if (positionals[0] !== undefined) {
      const { id } = await resolveJob(client, positionals[0]);
      statuses = { [id]: await client.jobs.status(id) };
    } else {
      const ids = Object.keys(await client.jobs.list()).sort();
      statuses = ids.length > 0 ? await client.jobs.statuses(ids) : {};
    }
    if (host !== undefined) statuses = Object.fromEntries(Object.entries(statuses).map(([id, s]) => [id, onlyHost(s, host)]));
    if (out.json) {
      out.printJson(statuses);
      return;
    }
    const rows = Object.entries(statuses).sort(([a], [b]) => (a < b ? -1 : 1)).flatMap(([id, s]) => statusRows(id, s, out.colors));
    await out.printTable(STATUS_COLUMNS, rows);
  },
});

function onlyHost(s: JobStatus, host: string): JobStatus {
  const pick = <T>(m: Record<string, T>) => (Object.hasOwn(m, host) ? { [host]: m[host] } : {});
  return { ...s, deployments: pick(s.deployments), taskStatuses: pick(s.taskStatuses) };
}

/** One row per host that has a deployment or a task status for the job. */
export function statusRows(id: string, s: JobStatus, colors: Colors): string[][] {
  const hosts = [...new Set([...Object.keys(s.deployments), ...Object.keys(s.taskStatuses)])].sort();
  return hosts.map((host) => {
    const task = s.taskStatuses[host];
    return [
      id, host, goalOn(s, host) ?? '-',
      colorState(colors, task?.state ?? '-'),
      task ? shortContainerId(task.containerId) : '',
      portsString(task?.ports ?? s.job.ports),
      task?.throttled ?? '',
      commandString(s.job.command),
      envString(task?.env ?? s.job.env),
      task ? taskReason(task, s.job) : '',
    ];
  });
}
