import type { LogRecord } from '../../core/schema/channel.js';
import { defineCommand, type RunArgs } from '../command.js';
import { commandMeta } from '../registry.js';
import { boolFlag, expectPositionals, stringFlag } from '../usage.js';
import { HeliosError } from '../../core/errors/HeliosError.js';
import { parseDuration } from '../../core/model/duration.js';

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

function query(flags: RunArgs['flags'], hosts: string[]): string {
  const q = new URLSearchParams();
  for (const host of hosts) q.append('host', host);
  if (boolFlag(flags.follow)) q.set('follow', 'true');
  const tail = stringFlag(flags.tail);
  if (tail !== undefined) {
    if (!/^\d+$/.test(tail)) throw new HeliosError('INVALID_ARGUMENT', `--tail must be a whole number of lines, got '${tail}'`);
    q.set('tail', tail);
  }
  const since = stringFlag(flags.since);
  if (since !== undefined) q.set('since', String(sinceMs(since)));
  if (boolFlag(flags.stdout) && boolFlag(flags.stderr)) throw new HeliosError('INVALID_ARGUMENT', '--stdout and --stderr: give one of them, or neither for both');
  if (boolFlag(flags.stdout)) q.set('stream', 'stdout');
  if (boolFlag(flags.stderr)) q.set('stream', 'stderr');
  return q.size > 0 ? `?${q}` : '';
}

/** `--since`: a duration ago, or an ISO 8601 time. */
function sinceMs(text: string): number {
  if (/^\d+(\.\d+)?(ms|s|m|h|d)?$/.test(text)) return Date.now() - parseDuration(text, '--since');
  const time = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(time)) throw new HeliosError('INVALID_ARGUMENT', `--since: expected a duration like 10m or 1h, or an ISO 8601 time, got '${text}'`);
  return time;
}

async function printLogs({ positionals, flags, global, out, env }: RunArgs): Promise<number> {
  const [{ connect }, { resolveJob }, { openMasterStream }, { statusHosts }] = await Promise.all([
    import('../connect.js'), import('../resolveJob.js'), import('../masterStream.js'), import('../format.js')]);
  const client = await connect(global);
  const { id } = await resolveJob(client, positionals[0]);
  const hosts = positionals.length > 1 ? positionals.slice(1) : statusHosts(await client.jobs.status(id));
  if (hosts.length === 0) {
    out.info(`job ${id} is deployed on no host`);
    return 0;
  }
  const controller = new AbortController();
  let interrupted = false;
  const interrupt = () => { interrupted = true; controller.abort(); };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const res = await openMasterStream(global, `/jobs/${encodeURIComponent(id)}/logs${query(flags, hosts)}`, controller.signal);
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

  let partial = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    let text = '';
    for (const line of lines) {
      if (out.json) {
        text += `${line}\n`;
        if (line.includes('"event":"error"')) failed = true;
      } else {
        text += render(JSON.parse(line) as LogRecord);
      }
    }
    // The master reads the agents no faster than this reads the master.
    if (text && !process.stdout.write(text)) {
      res.pause();
      process.stdout.once('drain', () => res.resume());
    }
  });
  await new Promise<void>((resolve) => {
    res.once('close', resolve);
    res.once('error', () => resolve());
  });
  process.off('SIGINT', interrupt);
  process.off('SIGTERM', interrupt);
  if (!interrupted && !res.complete) throw new HeliosError('MASTER_UNREACHABLE', 'the master closed the logs stream before it ended');
  return failed ? 1 : 0;
}
