import type { HealthCheck, Job } from '../../core/schema/job.js';
import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { DEFAULT_SECONDS_TO_WAIT_BEFORE_KILL } from '../../core/model/killWait.js';
import { commandString, envString, labelsString, portsString, utcTimestamp } from '../format.js';
import { resolveJob } from '../resolveJob.js';
import { expectPositionals } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('inspect'),
  help: `Prints the job's configuration as labelled lines: Id, Image, Hostname, Created (UTC), Expires,
Command, Env, Health check, Grace period, Time to wait before kill, Init, Metadata, Ports,
Registration, Security options, Network mode, Token, Volumes, Add/Drop capabilities, Labels,
Runtime, Rollout options, Owner. Rollout options lists the ones the job sets ('timeout: 250,
parallelism: 2'); the others fall back to the defaults at rolling-update time.
Grace period and time to wait show the value in effect ("120 (default)" when the job sets none);
Ports as docker ps prints them, name=ip:host->container/proto ("dynamic" for an allocated port).
JOB is a job reference: any unambiguous part of name:version:hash.
--json: the Job as the master stores it`,
  options: {},
  async run({ positionals, global, out }) {
    expectPositionals(this, positionals, 1);
    const client = await connect(global);
    const { id } = await resolveJob(client, positionals[0]);
    const job = await client.jobs.get(id);
    if (out.json) out.printJson(job);
    else for (const [label, value] of inspectLines(job)) out.print(`${label}: ${value}`);
  },
});

export function inspectLines(job: Job): [string, string][] {
  const list = (items: string[] | undefined) => (items ?? []).join(', ');
  return [
    ['Id', job.id],
    ['Image', job.image],
    ['Hostname', job.hostname ?? ''],
    ['Created', job.created ? `${utcTimestamp(job.created)} UTC` : ''],
    ['Expires', job.expires ?? 'never'],
    ['Command', commandString(job.command)],
    ['Env', envString(job.env)],
    ['Health check', healthCheckString(job.healthCheck)],
    ['Grace period (seconds)', orDefault(job.gracePeriod, 0)],
    ['Time to wait before kill (seconds)', orDefault(job.secondsToWaitBeforeKill, DEFAULT_SECONDS_TO_WAIT_BEFORE_KILL)],
    ['Init', job.init ? 'yes (docker-init is PID 1)' : 'no'],
    ['Metadata', labelsString(job.metadata)],
    ['Ports', portsString(job.ports)],
    ['Registration', Object.keys(job.registration ?? {}).join(', ')],
    ['Security options', list(job.securityOpt)],
    ['Network mode', job.networkMode ?? ''],
    ['Token', job.token ?? ''],
    ['Volumes', Object.entries(job.volumes ?? {}).map(([container, host]) => `${host || '<anonymous>'}:${container}`).join(', ')],
    ['Add capabilities', list(job.addCapabilities)],
    ['Drop capabilities', list(job.dropCapabilities)],
    ['Labels', labelsString(job.labels)],
    ['Runtime', job.runtime ?? ''],
    ['Rollout options', rolloutOptionsString(job.rolloutOptions)],
    ['Owner', job.owner ?? ''],
  ];
}

/** The options the job sets, in Helios' order: `timeout: 250, parallelism: 2`. */
function rolloutOptionsString(options: Job['rolloutOptions']): string {
  const keys = ['timeout', 'parallelism', 'migrate', 'overlap', 'token', 'ignoreFailures'] as const;
  return keys.filter((k) => options?.[k] !== undefined && options[k] !== null).map((k) => `${k}: ${String(options![k])}`).join(', ');
}

/** The value in effect: the job's, or the agent's default said as such. */
const orDefault = (value: number | undefined, fallback: number) => (value === undefined ? `${fallback} (default)` : String(value));

function healthCheckString(check: HealthCheck | undefined): string {
  if (!check) return '';
  if (check.type === 'http') return `http port=${check.port} path=${check.path}`;
  if (check.type === 'tcp') return `tcp port=${check.port}`;
  return `exec ${commandString(check.command)}`;
}
