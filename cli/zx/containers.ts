import { HeliosError } from '../../core/errors/HeliosError.js';
import type { Job } from '../../core/schema/job.js';
import { unknownHostMessage } from '../hostResults.js';
import { readLogs, sinceMs } from '../logsStream.js';
import type { Duration, Helios, HeliosContext, Hosts } from './helios.js';
import { durationMs } from './helios.js';

export interface LogsOptions {
  /** Only these hosts (default: every host the job is deployed on). */
  hosts?: Hosts;
  /** Keep reading new lines, through restarts of the container and rolling updates, until the loop breaks or `signal` aborts. */
  follow?: boolean;
  /** Only the last N lines of each host (of both streams, as docker logs). */
  tail?: number;
  /** Only the lines since a Duration ago ('10m', 30_000), or since a time (a Date, or an ISO 8601 string). */
  since?: Duration | Date;
  /** Only the container's standard output, or its standard error (default: both). */
  stream?: 'stdout' | 'stderr';
  /** Ends the iteration, as a `break` does. */
  signal?: AbortSignal;
}

export interface ExecOptions {
  /** The command's standard input (without it, it reads an empty one). */
  input?: string | Uint8Array;
  /**
   * Stops waiting: the exec rejects with the signal's reason. The command itself goes on (Docker has no
   * call to kill an exec); its standard input is closed.
   */
  signal?: AbortSignal;
}

/** How a command run by `exec` ended, named as zx's ProcessOutput names it. */
export interface ExecResult {
  exitCode: number;
  /** The command's standard output, as UTF-8 text. */
  stdout: string;
  stderr: string;
  /** exitCode is 0. */
  ok: boolean;
}

/** What helios.ts lends these calls: its job resolution (a dry run's created jobs too), host resolution and dry-run line. */
export interface ContainerCallsDeps {
  resolve(ref: string): Promise<{ id: string; job: Job }>;
  targets(names: Hosts): Promise<{ hosts: string[]; failures: Map<string, HeliosError> }>;
  /** Whether the job is one a dry run created (the master has none of it). */
  planned(id: string): boolean;
  say(line: string): void;
}

/** `since`: a Duration ago, or a time. */
function sinceOf(since: Duration | Date | undefined): number | undefined {
  if (since === undefined) return undefined;
  if (since instanceof Date) {
    if (Number.isNaN(since.getTime())) throw new HeliosError('INVALID_ARGUMENT', 'logs: since: an invalid Date');
    return since.getTime();
  }
  return typeof since === 'number' ? Date.now() - durationMs(since, 0, 'logs: since') : sinceMs(since, 'logs: since');
}

const invalid = (message: string) => new HeliosError('INVALID_ARGUMENT', message);

/**
 * helios.logs and helios.exec: the `logs` and `exec` commands' own code (logsStream.ts,
 * execSession.ts) on the context's connection, so a script and the CLI read and run the same way.
 */
export function containerCalls(context: HeliosContext, d: ContainerCallsDeps): Pick<Helios, 'logs' | 'exec'> {
  const { client, connection, dryRun } = context;
  return {
    logs(job, o = {}) {
      return (async function* () {
        if (o.tail !== undefined && !(Number.isInteger(o.tail) && o.tail >= 0)) throw invalid(`logs: tail: expected a whole number of lines (0 or more), got ${o.tail}`);
        if (o.stream !== undefined && o.stream !== 'stdout' && o.stream !== 'stderr') throw invalid(`logs: stream: expected 'stdout' or 'stderr' (or none for both), got ${JSON.stringify(o.stream)}`);
        const since = sinceOf(o.since);
        const { id } = await d.resolve(job);
        if (d.planned(id)) {
          d.say(`logs of ${id} (it is not created: no logs)`);
          return;
        }
        let hosts: string[] | undefined;
        if (o.hosts !== undefined) {
          const resolved = await d.targets(o.hosts);
          const failure = [...resolved.failures.values()][0];
          if (failure) throw failure;
          hosts = resolved.hosts;
        }
        // Its own controller: a `break` (or a throw in the loop) ends the request as the signal does.
        const controller = new AbortController();
        const abort = () => controller.abort();
        if (o.signal?.aborted) return;
        o.signal?.addEventListener('abort', abort, { once: true });
        try {
          for await (const batch of readLogs(connection, id, { hosts, follow: o.follow, tail: o.tail, since, stream: o.stream }, controller.signal)) yield* batch;
        } finally {
          o.signal?.removeEventListener('abort', abort);
          controller.abort();
        }
      })();
    },

    async exec(job, host, command, o = {}) {
      if (typeof host !== 'string' || host === '') throw invalid('exec: the host is its exact name, a non-empty string');
      if (!Array.isArray(command) || command.length === 0 || command.some((word) => typeof word !== 'string')) {
        throw invalid(`exec: the command is an array of its words, e.g. ['sh', '-c', 'echo hi'], got ${JSON.stringify(command)}`);
      }
      if (o.input !== undefined && typeof o.input !== 'string' && !(o.input instanceof Uint8Array)) throw invalid('exec: input is a string or a Buffer');
      const input = typeof o.input === 'string' ? Buffer.from(o.input) : o.input;
      const { id } = await d.resolve(job);
      if (dryRun) {
        // A job this dry run created or deployed is not on the host: only the host name is checked, as the other writes check it.
        const known = await client.hosts.list();
        if (!known.includes(host)) throw new HeliosError('HOST_NOT_FOUND', unknownHostMessage(host, known), { host });
        d.say(`exec ${JSON.stringify(command)} in ${id} on ${host}${input ? ` with ${input.byteLength} bytes of input` : ''}`);
        return { exitCode: 0, stdout: '', stderr: '', ok: true };
      }
      const { runExec } = await import('../execSession.js');
      const output = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
      const exitCode = await runExec(connection, { jobId: id, host, command, input: input && [input] }, {
        output: (stream, data, release) => {
          output[stream].push(data);
          release();
        },
        signal: o.signal,
      });
      // Decoded once at the end: a character split between two chunks comes out whole.
      return { exitCode, stdout: Buffer.concat(output.stdout).toString('utf8'), stderr: Buffer.concat(output.stderr).toString('utf8'), ok: exitCode === 0 };
    },
  };
}
