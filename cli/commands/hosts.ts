import { HeliosError } from '../../core/errors/HeliosError.js';
import type { HostStatus } from '../../core/schema/status.js';
import { defineCommand } from '../command.js';
import { connect } from '../connect.js';
import { humanDuration, labelsString } from '../format.js';
import { shortHostName } from '../hostNames.js';
import { searchDomains } from '../searchDomains.js';
import type { Colors } from '../output.js';
import { boolFlag, expectPositionals, listFlag, stringFlag } from '../usage.js';
import { commandMeta } from '../registry.js';

const GB = 1024 ** 3;

export default defineCommand({
  ...commandMeta('hosts'),
  help: `Lists the hosts whose name matches PATTERN (all without one), sorted by name, as a table:
  HOST  STATUS  DEPLOYED  RUNNING  CPUS  MEM  LOAD AVG  MEM USAGE  OS  HELIOS  DOCKER  LABELS
PATTERN is a regular expression the master looks for anywhere in the name, as in Helios (a plain
word: the names containing it). HOST is shown relative to the DNS search domains (LOCALDOMAIN, else
/etc/resolv.conf: web1 for web1.example.com with 'search example.com'), as Helios shows it, unless
-f; deploy and the other commands take that short name back (a unique prefix). STATUS is 'Up <time
since the agent started>' or 'Down <time since its last heartbeat>'; DEPLOYED and RUNNING count its
jobs; MEM is total memory in GB, MEM USAGE the used fraction.
A PATTERN or selectors that match no host are an error (exit 1), as in Helios.
  -q                  only host names, one a line
  -f                  full host names
  --status UP|DOWN    only hosts in that state
  -s, --selector SEL  only hosts whose labels match (repeatable, all must match):
                      'label = v', 'label != v', 'label in (a, b)', 'label notin (a, b)'
--json: {"<host>": HostStatus, …} (with -q: ["<host>", …]; always full names)`,
  options: {
    q: { type: 'boolean', short: 'q' },
    f: { type: 'boolean', short: 'f' },
    status: { type: 'string' },
    selector: { type: 'string', short: 's', multiple: true },
  },
  async run({ positionals, flags, global, out, env }) {
    expectPositionals(this, positionals, 0, 1);
    const pattern = positionals[0];
    const wanted = stringFlag(flags.status)?.toUpperCase();
    if (wanted !== undefined && wanted !== 'UP' && wanted !== 'DOWN') {
      throw new HeliosError('INVALID_ARGUMENT', `--status must be UP or DOWN, got '${String(flags.status)}'`);
    }
    const client = await connect(global);
    const selector = listFlag(flags.selector);
    let names = (await client.hosts.list({ namePattern: pattern, selector })).sort();
    if ((pattern || selector.length > 0) && names.length === 0) {
      const what = [pattern ? `host pattern ${pattern}` : '', ...selector.map((s) => `selector ${s}`)].filter(Boolean).join(' and ');
      throw new HeliosError('HOST_NOT_FOUND', `${what} matched no hosts`, { pattern, selector });
    }
    const statuses = names.length > 0 && (wanted || !boolFlag(flags.q)) ? await client.hosts.statuses(names) : {};
    if (wanted) names = names.filter((name) => statuses[name]?.status === wanted);

    if (out.json) {
      out.printJson(boolFlag(flags.q) ? names : Object.fromEntries(names.map((name) => [name, statuses[name]])));
      return;
    }
    const domains = boolFlag(flags.f) ? [] : await searchDomains(env);
    const shown = (name: string) => shortHostName(name, domains);
    if (boolFlag(flags.q)) {
      for (const name of names) out.print(shown(name));
      return;
    }
    const now = Date.now();
    await out.printTable(
      ['HOST', 'STATUS', 'DEPLOYED', 'RUNNING', 'CPUS', 'MEM', 'LOAD AVG', 'MEM USAGE', 'OS', 'HELIOS', 'DOCKER', 'LABELS'],
      names.filter((name) => statuses[name]).map((name) => hostRow(shown(name), statuses[name], now, out.colors)));
  },
});

function hostRow(name: string, s: HostStatus, now: number, colors: Colors): string[] {
  const running = Object.keys(s.jobs).filter((jobId) => s.statuses[jobId]?.state === 'RUNNING').length;
  const hi = s.hostInfo;
  const docker = hi?.dockerVersion ? `${hi.dockerVersion.version} (${hi.dockerVersion.apiVersion})` : s.dockerError ? 'unreachable' : '';
  return [
    name,
    hostState(s, now, colors),
    String(Object.keys(s.jobs).length),
    String(running),
    hi ? String(hi.cpus) : '',
    hi ? `${Math.floor(hi.memoryTotalBytes / GB)} gb` : '',
    hi ? hi.loadAvg.toFixed(2) : '',
    hi && hi.memoryTotalBytes > 0 ? ((hi.memoryTotalBytes - hi.memoryFreeBytes) / hi.memoryTotalBytes).toFixed(2) : '',
    hi ? `${hi.osName} ${hi.osVersion}` : '',
    s.agentInfo?.version ?? '',
    docker,
    labelsString(s.labels),
  ];
}

/** `Up 39 minutes` (since the agent started) or `Down 3 seconds` (since its last heartbeat). */
export function hostState(s: HostStatus, now: number, colors: Colors): string {
  if (s.status === 'UP') {
    const since = s.agentInfo ? humanDuration(now - s.agentInfo.startTime) : '';
    return colors.good(`Up ${since}`.trim());
  }
  return colors.bad(`Down ${s.lastSeen ? humanDuration(now - s.lastSeen) : ''}`.trim());
}
