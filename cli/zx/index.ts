/**
 * `helios/zx`: deploys as code. A typed, promise-based API over core's client for everything the
 * `helios` command does, for zx scripts (`helios run FILE.mjs` preloads it as the global `helios`).
 * @example
 *   import { connect } from 'helios/zx';
 *   const helios = await connect();               // -z/HELIOS_MASTER/~/.helios/config, HELIOS_TOKEN, HELIOS_CA… as the CLI
 *   const { id } = await helios.create('jobs/web.yaml');
 *   await helios.deploy(id, 'web1');
 *   await spinner('waiting', () => helios.waitFor(id, 'web1', 'RUNNING', { timeout: '2m' }));
 */
import { HeliosError } from '../../core/errors/HeliosError.js';
import { globalsFrom } from '../argv.js';
import { clustersOf } from '../clusters.js';
import { connect as connectClient } from '../connect.js';
import { mastersOf } from '../eachCluster.js';
import { createOutput } from '../output.js';
import { createHelios, type Helios } from './helios.js';

export { createHelios } from './helios.js';
export type {
  CreatedJob, CreateOptions, DeployOptions, Duration, Helios, HeliosContext, Hosts, HostsFilter, RollingUpdateOptions,
  RollingUpdateResult, WaitOptions, WatchOptions,
} from './helios.js';
export { HeliosError, isHeliosError } from '../../core/errors/HeliosError.js';
export type { ErrorCode } from '../../core/errors/codes.js';
export type { Job, JobSpec } from '../../core/schema/job.js';
export type { ExecOptions, ExecResult, LogsOptions } from './containers.js';
export type { LogEvent, LogLine, LogRecord } from '../../core/schema/channel.js';
export type { HostStatus, JobStatus, TaskState, TaskStatus, TaskStatusEvent } from '../../core/schema/status.js';

/** Where the master is and who you are to it; each unset one as the CLI finds it (its flags' names in brackets). */
export interface ConnectOptions {
  /** The cluster's masters, tried in order [-z]; else `domain`, HELIOS_MASTER, ~/.helios/config, http://127.0.0.1:5801. */
  master?: string | readonly string[];
  /** Find the masters by DNS SRV [-d]. */
  domain?: string;
  /** The SRV service name [--srv-name]. */
  srvName?: string;
  /** The bearer token; else HELIOS_TOKEN. */
  token?: string;
  /** Sent as Helios-User [-u]; else the OS user. */
  username?: string;
  /** PEM files of an https:// master's CA and a client certificate [--ca, --cert, --key]; else HELIOS_CA, HELIOS_CERT, HELIOS_KEY. */
  ca?: string;
  cert?: string;
  key?: string;
  /** Accept an https:// master's certificate made out to another name (still signed by a trusted CA) [-k]. */
  insecure?: boolean;
  /** Seconds per request [--http-timeout]; else HELIOS_CLI_HTTP_TIMEOUT, else 60. */
  httpTimeout?: number;
  /** Seconds to retry a request that reached no master [--retry-timeout]; else HELIOS_CLI_TOTAL_TIMEOUT, else 0. */
  retryTimeout?: number;
  /** Writes print what they would do instead (`helios run --dry-run`). */
  dryRun?: boolean;
  /** The environment read for the defaults (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/**
 * A Helios connected as the `helios` command connects: the options go through the CLI's own reading
 * of its global flags and environment (argv.ts, clusters.ts, connect.ts), so a script and the CLI
 * always talk to the same master with the same token and TLS settings.
 */
export async function connect(options: ConnectOptions = {}): Promise<Helios> {
  const env = options.env ?? process.env;
  const given = (value: number | undefined) => (value === undefined ? undefined : String(value));
  const global = globalsFrom({
    master: options.master === undefined ? undefined : [options.master].flat(),
    domains: options.domain === undefined ? undefined : [options.domain],
    'srv-name': options.srvName, username: options.username, ca: options.ca, cert: options.cert, key: options.key,
    'http-timeout': given(options.httpTimeout), 'retry-timeout': given(options.retryTimeout), insecure: options.insecure,
  }, env);
  if (options.token !== undefined) global.authToken = options.token;
  const clusters = clustersOf(global.target, env);
  if (clusters.length > 1) {
    throw new HeliosError('INVALID_ARGUMENT', `helios/zx talks to one cluster, and ${clusters.map((c) => c.name).join(', ')} are ${clusters.length}: give one domain or master`);
  }
  global.masters = await mastersOf(clusters[0], env);
  const out = await createOutput({ stdout: process.stdout, stderr: process.stderr }, { json: false, env });
  return createHelios({ client: await connectClient(global), connection: global, env, out, dryRun: options.dryRun ?? false });
}
