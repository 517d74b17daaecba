import { once } from 'node:events';
import type { LogRecord } from '../../core/schema/channel.js';
import type { LogsRequest } from '../logsStream.js';
import { sinceMs } from '../logsStream.js';
import { defineCommand, type RunArgs } from '../command.js';
import { commandMeta } from '../registry.js';
import { boolFlag, expectPositionals, stringFlag } from '../usage.js';
import { HeliosError } from '../../core/errors/HeliosError.js';

export default defineCommand({
  ...commandMeta('logs'),
  help: `Prints the container logs of JOB's task on each HOST (every host it is deployed on when none is
given), through the master: the agents send them over the channel they keep to it, so no host is
reached directly. Each line is prefixed with its host (coloured per host on a terminal), as docker
compose logs does; the hosts' lines interleave as they arrive, each host's in order. A host that
fails (its agent down or gone mid-stream, no container) is reported on stderr and the others go on;
the exit code is then 1. JOB is a job reference.
  -f, --follow             keep printing new lines until Ctrl-C: through restarts of the container and
                           rolling updates (the next job of the same name deployed on the host)
  -n, --tail N             only the last N lines of each host (of both streams, as docker logs)
      --since WHEN         only lines since a duration ago (10m, 1h, 30s) or an ISO 8601 time
  -t, --timestamps         show each line's time (RFC 3339, nanoseconds)
      --stdout, --stderr   only the container's standard output, or its standard error
--json: the master's records, one JSON object per line: {"host", "stream", "time", "line"}, or
{"host", "event": "container"|"end"|"error", …} (master/README.md, Logs and exec)`,
  oneCluster: true,
  options: {
    follow: { type: 'boolean', short: 'f' }, tail: { type: 'string', short: 'n' }, since: { type: 'string' },
    timestamps: { type: 'boolean', short: 't' }, stdout: { type: 'boolean' }, stderr: { type: 'boolean' },
  },
  async run(args) {
    expectPositionals(this, args.positionals, 1, Infinity);
    return printLogs(args);
  },
});

/** Colours for host prefixes, as docker compose picks them. */
const PALETTE = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94];
// eslint-disable-next-line no-control-regex -- the control characters are what is escaped (a tab stays)
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;
const escape = (ch: string) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** The flags as a logs request of the master (tail and since checked here, to name the flag). */
function request(flags: RunArgs['flags']): LogsRequest {
  const tail = stringFlag(flags.tail);
  if (tail !== undefined && !/^\d+$/.test(tail)) throw new HeliosError('INVALID_ARGUMENT', `--tail must be a whole number of lines, got '${tail}'`);
  const since = stringFlag(flags.since);
  if (boolFlag(flags.stdout) && boolFlag(flags.stderr)) throw new HeliosError('INVALID_ARGUMENT', '--stdout and --stderr: give one of them, or neither for both');
  return {
    follow: boolFlag(flags.follow), tail: tail === undefined ? undefined : Number(tail), since: since === undefined ? undefined : sinceMs(since, '--since'),
    stream: boolFlag(flags.stdout) ? 'stdout' : boolFlag(flags.stderr) ? 'stderr' : undefined,
  };
}

async function printLogs({ positionals, flags, global, out, env }: RunArgs): Promise<number> {
  const asked = request(flags);
  const [{ connect }, { resolveJob }, { readLogs }, { statusHosts }] = await Promise.all([
    import('../connect.js'), import('../resolveJob.js'), import('../logsStream.js'), import('../format.js')]);
  const client = await connect(global);
  const { id } = await resolveJob(client, positionals[0]);
  const hosts = positionals.length > 1 ? positionals.slice(1) : statusHosts(await client.jobs.status(id));
  if (hosts.length === 0) {
    out.info(`job ${id} is deployed on no host`);
    return 0;
  }
  const controller = new AbortController();
  const interrupt = () => controller.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const width = Math.max(...hosts.map((h) => h.length));
  const colour = out.isTTY && !out.json && !env.NO_COLOR;
  const prefix = new Map(hosts.map((host, i) => {
    const text = `${host.padEnd(width)} | `;
    return [host, colour ? `\x1b[${PALETTE[i % PALETTE.length]}m${text}\x1b[39m` : text];
  }));
  const safe = out.isTTY ? (text: string) => text.replace(CONTROL, escape) : (text: string) => text;
  const timestamps = boolFlag(flags.timestamps);
  const containers = new Map<string, string>();
  let failed = false;

  const render = (r: LogRecord): string => {
    if ('line' in r) return `${prefix.get(r.host) ?? `${r.host} | `}${timestamps ? `${r.time} ` : ''}${safe(r.line)}\n`;
    if (r.event === 'error') {
      failed = true;
      out.info(`${r.host}: ${r.message} (${r.code})`);
    } else if (r.event === 'container') {
      if (containers.has(r.host)) out.info(`${r.host}: now container ${r.containerId.slice(0, 12)} of ${r.jobId}`);
      containers.set(r.host, r.containerId);
    }
    return '';
  };

  try {
    // The master reads the agents no faster than this reads the master: the next batch waits for stdout.
    for await (const batch of readLogs(global, id, { ...asked, hosts }, controller.signal)) {
      let text = '';
      for (const r of batch) {
        if (out.json) {
          text += `${JSON.stringify(r)}\n`;
          if ('event' in r && r.event === 'error') failed = true;
        } else {
          text += render(r);
        }
      }
      if (text && !process.stdout.write(text)) await once(process.stdout, 'drain');
    }
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
  return failed ? 1 : 0;
}
