import type { JobStatus, PullProgress } from '../../core/schema/status.js';
import { defineCommand, type RunArgs } from '../command.js';
import { connect } from '../connect.js';
import { goalOn, statusHosts, taskReason, utcTimestamp } from '../format.js';
import { colorState } from '../output.js';
import { pullBar } from '../pullBar.js';
import { clearScreen } from '../terminalText.js';
import { resolveJob } from '../resolveJob.js';
import { boolFlag, expectPositionals, secondsFlag } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('watch'),
  help: `Shows the state of JOB on the hosts it is deployed on whose name starts with a HOST given (as
Helios: HOST is a prefix; every host without any), refreshed every -n seconds, as a table:
  JOB  HOST  STATE  THROTTLED?  REASON
REASON is why the task is in its state (the container's error, the last failed health check, the
time a STOPPING container has), as in helios job; on a terminal, a task PULLING_IMAGE shows its
pull's progress there as a bar ([####----] 21.0MB/48.2MB, 1/2 layers). On a terminal the screen is redrawn; when piped, the table is printed again each time it changes.
A HOST that is the prefix of none of them shows as NOT DEPLOYED. Stops on Ctrl-C (exit 0). JOB is
a job reference.
  -n, --interval SECONDS   refresh period (default 1)
      --exact              the HOSTs are exact names, each shown even when the job is not there
--json: one JSON object per line each time something changes:
{"time": ms, "tasks": [{"jobId", "host", "deployed", "goal", "state", "throttled", "containerId",
"containerError", "healthCheckError", "pullProgress"}]} (null where the master has no value; goal
UNDEPLOY while an undeployed task's container is still being removed; pullProgress while
PULLING_IMAGE: {"bytesDone", "bytesTotal", "layersDone", "layersTotal"})`,
  oneCluster: true,
  options: { interval: { type: 'string', short: 'n' }, exact: { type: 'boolean' } },
  async run(args) {
    expectPositionals(this, args.positionals, 1, Infinity);
    return watchJob(args);
  },
});

/** One task as --json prints it: null where the master knows nothing yet. */
interface Row {
  jobId: string;
  host: string;
  deployed: boolean;
  goal: string | null;
  state: string | null;
  throttled: string | null;
  containerId: string | null;
  containerError: string | null;
  healthCheckError: string | null;
  pullProgress: PullProgress | null;
}

async function watchJob({ positionals, flags, global, out }: RunArgs): Promise<number> {
  const intervalMs = secondsFlag(flags.interval, 'interval', 1) * 1000;
  const client = await connect(global);
  const { id } = await resolveJob(client, positionals[0]);
  const hosts = positionals.slice(1);
  const exact = boolFlag(flags.exact);
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  let previous = '';
  let stop = false;
  void stopped.then(() => { stop = true; });
  while (!stop) {
    const status = await client.jobs.status(id);
    const rows = rowsOf(id, status, watchedHosts(statusHosts(status), hosts, exact));
    // A pull's progress only on a terminal: piped, the table is printed again on every change.
    const reasons = rows.map((r) => {
      const task = status.taskStatuses[r.host];
      if (out.isTTY && r.state === 'PULLING_IMAGE' && r.pullProgress) return pullBar(r.pullProgress);
      return task ? taskReason(task, status.job) : '';
    });
    const snapshot = JSON.stringify(rows);
    if (out.json) {
      if (snapshot !== previous) out.print(JSON.stringify({ time: Date.now(), tasks: rows }));
    } else {
      const table = await out.renderTable(['JOB', 'HOST', 'STATE', 'THROTTLED?', 'REASON'],
        rows.map((r, i) => [r.jobId, r.host, colorState(out.colors, r.state ?? (r.deployed ? '-' : 'NOT DEPLOYED')), r.throttled ?? '',
          reasons[i]]));
      if (out.isTTY) {
        out.print(`${clearScreen}${out.colors.dim(`${utcTimestamp(Date.now())} UTC, every ${intervalMs / 1000} s (Ctrl-C to stop)`)}\n${table}`);
      } else if (snapshot !== previous) {
        out.print(`${previous ? '\n' : ''}${table}`);
      }
    }
    previous = snapshot;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([stopped, new Promise((resolve) => { timer = setTimeout(resolve, intervalMs); })]);
    clearTimeout(timer);
  }
  return 0;
}

/**
 * The hosts to show: the job's hosts that start with one of `named` (all without any), each prefix
 * that starts none of them as itself; with `exact`, `named` as given.
 */
export function watchedHosts(jobHosts: string[], named: string[], exact: boolean): string[] {
  if (exact) return named;
  if (named.length === 0) return jobHosts;
  const matched = jobHosts.filter((host) => named.some((prefix) => host.startsWith(prefix)));
  const unmatched = named.filter((prefix) => !jobHosts.some((host) => host.startsWith(prefix)));
  return [...new Set([...matched, ...unmatched])].sort();
}

function rowsOf(jobId: string, status: JobStatus, hosts: string[]): Row[] {
  return hosts.map((host) => {
    const task = status.taskStatuses[host];
    return {
      jobId, host,
      deployed: Object.hasOwn(status.deployments, host),
      goal: goalOn(status, host),
      state: task?.state ?? null,
      throttled: task?.throttled ?? null,
      containerId: task?.containerId ?? null,
      containerError: task?.containerError ?? null,
      healthCheckError: task?.healthCheckError ?? null,
      pullProgress: task?.pullProgress ?? null,
    };
  });
}
