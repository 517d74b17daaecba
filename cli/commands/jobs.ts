import { HeliosError } from '../../core/errors/HeliosError.js';
import type { HeliosClient } from '../../core/client/createClient.js';
import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { commandString, envString, shortJobId } from '../format.js';
import { boolFlag, expectPositionals } from '../usage.js';
import { commandMeta } from '../registry.js';

export default defineCommand({
  ...commandMeta('jobs'),
  help: `Lists the jobs whose id contains PATTERN (all without one), sorted by id, as a table:
  JOB ID  NAME  VERSION  HOSTS  COMMAND  ENVIRONMENT
JOB ID is shortened to 7 characters of its hash unless -f; HOSTS counts the hosts it is deployed on.
A PATTERN that matches no job is an error (exit 1).
  -f, --full       full job ids
  -q, --quiet      only job ids, one a line (shortened unless -f)
  -y, --deployed   only jobs deployed on at least one host
--json: {"<job id>": Job, …} (with -q: ["<job id>", …], always full ids)`,
  options: {
    full: { type: 'boolean', short: 'f' },
    quiet: { type: 'boolean', short: 'q' },
    deployed: { type: 'boolean', short: 'y' },
  },
  async run({ positionals, flags, global, out }) {
    expectPositionals(this, positionals, 0, 1);
    const pattern = positionals[0];
    const client = await connect(global);
    const quiet = boolFlag(flags.quiet);
    const needCounts = boolFlag(flags.deployed) || (!quiet && !out.json);
    const [jobs, counts] = await Promise.all([client.jobs.list(pattern ? { q: pattern } : {}), needCounts ? hostCounts(client) : undefined]);
    let ids = Object.keys(jobs).sort();
    if (pattern && ids.length === 0) throw new HeliosError('UNKNOWN_JOB', `job pattern ${pattern} matched no jobs`, { pattern });
    const hostCount = (id: string) => counts?.get(id) ?? 0;
    if (boolFlag(flags.deployed)) ids = ids.filter((id) => hostCount(id) > 0);

    const show = (id: string) => (boolFlag(flags.full) ? id : shortJobId(id));
    if (out.json) out.printJson(quiet ? ids : Object.fromEntries(ids.map((id) => [id, jobs[id]])));
    else if (quiet) { if (ids.length > 0) out.print(ids.map(show).join('\n')); }
    else {
      await out.printTable(['JOB ID', 'NAME', 'VERSION', 'HOSTS', 'COMMAND', 'ENVIRONMENT'], ids.map((id) => {
        const [name, version] = id.split(':');
        return [show(id), name, version, String(hostCount(id)), commandString(jobs[id].command), envString(jobs[id].env)];
      }));
    }
  },
});

/**
 * How many hosts each job is deployed on, from the hosts' side: one request whose size grows with
 * the deployments, where POST /jobs/statuses would return every job again (3× slower at 10,000 jobs).
 */
async function hostCounts(client: HeliosClient): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const hosts = await client.hosts.list();
  if (hosts.length === 0) return counts;
  for (const status of Object.values(await client.hosts.statuses(hosts))) {
    for (const jobId of Object.keys(status?.jobs ?? {})) counts.set(jobId, (counts.get(jobId) ?? 0) + 1);
  }
  return counts;
}
