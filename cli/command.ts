import type { ParseArgsConfig } from 'node:util';
import type { Output } from './output.js';

/** Options every command accepts, before or after its name. */
export interface GlobalOptions {
  /** Where the masters are, as given on the command line (clusters.ts turns it into clusters). */
  target: { masters: string[]; domains: string[]; srvName?: string };
  /**
   * The masters of the cluster the command runs on now, tried in order (set by `main` for each
   * cluster: -z URLs, HELIOS_MASTER, ~/.helios/config, or an SRV lookup of a -d domain).
   */
  masters: string[];
  /** Sent as Helios-User (recorded as deployerUser): -u, else the OS user. */
  username?: string;
  /** Each request's time (--http-timeout, HELIOS_CLI_HTTP_TIMEOUT; 60 s). */
  httpTimeoutMs: number;
  /** How long a request that reached no master is retried (--retry-timeout, HELIOS_CLI_TOTAL_TIMEOUT; 0). */
  retryTimeoutMs: number;
  json: boolean;
  verbose: boolean;
  /** Bearer token for the master (HELIOS_TOKEN); not the job token (--token). */
  authToken?: string;
  /** PEM files: --ca/--cert/--key, else HELIOS_CA/HELIOS_CERT/HELIOS_KEY; read when connecting. */
  tls: { ca?: string; cert?: string; key?: string };
  /** -k/--insecure: an https:// master's certificate need not name the address used (as Helios' -k); it must still be signed by a trusted CA. */
  insecure: boolean;
}

/**
 * What a request to the cluster's masters needs besides its path: where they are, who asks, the TLS
 * settings and the time allowed. The CLI's global options are one; helios/zx's context keeps one for
 * its logs and exec streams (masterStream.ts), so both open them with the same code.
 */
export type MasterConnection = Pick<GlobalOptions, 'masters' | 'username' | 'authToken' | 'tls' | 'insecure' | 'httpTimeoutMs'>;

export type FlagValue = string | boolean | (string | boolean)[] | undefined;

/** What a command's `run` receives: its own parsed flags, positionals, and the words after `--`. */
export interface RunArgs {
  positionals: string[];
  flags: Record<string, FlagValue>;
  /** Everything after a literal `--` (for `create`, the container command). */
  rest: string[];
  global: GlobalOptions;
  out: Output;
  /** The environment `main` was given (process.env when run as a command). */
  env: NodeJS.ProcessEnv;
}

/** What `helios --help` lists of a command (kept in registry.ts, so the listing loads no command). */
export interface CommandMeta {
  name: string;
  aliases?: string[];
  /** Sub-commands taken as the first positional, e.g. `sync status`. */
  subcommands?: string[];
  /** One line: the usage after `helios `, e.g. `deploy JOB HOST… [--no-start] [--watch]`. */
  synopsis: string;
  /** A one-line summary shown by `helios --help`. */
  summary: string;
}

/** One `helios` sub-command; `run` resolves to the exit code (0 when it returns nothing). */
export interface Command extends CommandMeta {
  /** The body of `helios <name> --help`: what it does and each option. */
  help: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /**
   * For a command whose words after `--` are a container's command (`create`): how many of these
   * positionals come before it, so that an option among the words after them is told to go after `--`.
   */
  commandAfter?: (positionals: string[]) => number;
  /**
   * For a command that runs something with its own arguments (`run FILE.mjs ARGS…`): after this many
   * positionals every word is passed on unparsed, as `rest`.
   */
  passThroughAfter?: number;
  /** Talks to no master of -z/-d (`solo` runs its own): no cluster is looked up for it. */
  local?: boolean;
  /** Runs on one cluster only (`watch` never ends): several are refused (eachCluster.ts). */
  oneCluster?: boolean;
  run(args: RunArgs): Promise<number | void>;
}

/** Identity helper that keeps each command file's object literal type-checked. */
export const defineCommand = (command: Command): Command => command;
