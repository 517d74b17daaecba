import { parseArgs, type ParseArgsConfig } from 'node:util';
import { HeliosError } from '../core/errors/HeliosError.js';
import { tlsPathsFrom } from '../core/client/tlsPaths.js';
import { masterList } from '../core/client/masterList.js';
import type { FlagValue, GlobalOptions } from './command.js';
import { listFlag, stringFlag } from './usage.js';

export const DEFAULT_MASTER = 'http://127.0.0.1:5801';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Accepted before the command name and after it, by every command. */
export const globalOptions = {
  master: { type: 'string', short: 'z', multiple: true },
  domains: { type: 'string', short: 'd', multiple: true },
  'srv-name': { type: 'string' },
  username: { type: 'string', short: 'u' },
  'http-timeout': { type: 'string' },
  'retry-timeout': { type: 'string' },
  ca: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  insecure: { type: 'boolean', short: 'k' },
  'google-credentials': { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

/** The global options whose value is the next word (`-z URL`, not `-z=URL`). */
const TAKES_VALUE = new Set(['-z', '--master', '-d', '--domains', '--srv-name', '-u', '--username', '--http-timeout', '--retry-timeout',
  '--ca', '--cert', '--key', '--google-credentials']);

/** Only before a command name: `helios --version`. */
const topLevelOptions = { ...globalOptions, version: { type: 'boolean' } } as const satisfies Options;

export interface Invocation {
  /** The command word, or undefined for a bare `helios [--help|--version]`. */
  name?: string;
  /** The words after the command name. */
  argv: string[];
  global: GlobalOptions;
  help: boolean;
  version: boolean;
}

/**
 * Splits `helios [global options] COMMAND [args]`: global options may come before the command name
 * (`helios -z URL jobs`) or after it (`helios jobs -z URL`); the command parses the latter.
 */
export function splitInvocation(argv: string[], env: NodeJS.ProcessEnv): Invocation {
  let i = 0;
  for (; i < argv.length; i++) {
    const word = argv[i];
    if (word === '--' || !word.startsWith('-') || word === '-') break;
    if (TAKES_VALUE.has(word)) i++;
  }
  const name = argv[i] === '--' ? undefined : argv[i];
  const { values } = parse(argv.slice(0, i), topLevelOptions, 'helios', false);
  return {
    name,
    argv: name === undefined ? [] : argv.slice(i + 1),
    global: globalsFrom(values, env),
    help: values.help === true,
    version: values.version === true,
  };
}

export interface CommandArgs {
  positionals: string[];
  rest: string[];
  flags: Record<string, FlagValue>;
}

/**
 * Parses a command's words with its own options plus the global ones; `--` ends the options. With
 * `commandAfter` (see Command), an option that does not parse, among words after the positionals
 * the command takes, is a container command missing its `--`, and the error says so.
 */
export function parseCommandArgs(argv: string[], options: Options, commandName: string, commandAfter?: (positionals: string[]) => number,
  passThroughAfter?: number): CommandArgs {
  const all = { ...options, ...globalOptions };
  if (passThroughAfter !== undefined) {
    const end = passThroughStart(argv, all, passThroughAfter);
    if (end < argv.length) return { ...parseCommandArgs(argv.slice(0, end), options, commandName, commandAfter), rest: argv.slice(end) };
  }
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv, all, `helios ${commandName}`, true);
  } catch (err) {
    throw (commandAfter !== undefined && missingDashes(argv, all, commandName, commandAfter)) || err;
  }
  const { values, tokens } = parsed;
  const terminator = tokens.find((t) => t.kind === 'option-terminator')?.index ?? Infinity;
  const before: string[] = [];
  const rest: string[] = [];
  for (const t of tokens) if (t.kind === 'positional') (t.index > terminator ? rest : before).push(t.value);
  return { positionals: before, rest, flags: values };
}

/**
 * Where the words of a command with `passThroughAfter` (see Command) stop being its own: after its
 * Nth positional (read leniently: the words after it may be options it does not know), or after `--`.
 */
function passThroughStart(argv: string[], options: Options, count: number): number {
  const { tokens } = parseArgs({ args: argv, options, allowPositionals: true, strict: false, tokens: true });
  const positionals = tokens.filter((t) => t.kind === 'positional' || t.kind === 'option-terminator');
  const last = positionals[count - 1];
  if (last === undefined) return argv.length;
  return last.kind === 'option-terminator' ? argv.length : last.index + 1;
}

/** Global options given after the command name win over those before it. */
export function mergeGlobals(before: GlobalOptions, flags: Record<string, FlagValue>, env: NodeJS.ProcessEnv): GlobalOptions {
  const after = globalsFrom(flags, env);
  const given = (name: string) => flags[name] !== undefined;
  return {
    target: {
      masters: after.target.masters.length > 0 ? after.target.masters : before.target.masters,
      domains: after.target.domains.length > 0 ? after.target.domains : before.target.domains,
      srvName: after.target.srvName ?? before.target.srvName,
    },
    masters: [],
    username: after.username ?? before.username,
    httpTimeoutMs: given('http-timeout') ? after.httpTimeoutMs : before.httpTimeoutMs,
    retryTimeoutMs: given('retry-timeout') ? after.retryTimeoutMs : before.retryTimeoutMs,
    json: before.json || after.json,
    verbose: before.verbose || after.verbose,
    authToken: before.authToken,
    tls: { ca: stringFlag(flags.ca) ?? before.tls.ca, cert: stringFlag(flags.cert) ?? before.tls.cert, key: stringFlag(flags.key) ?? before.tls.key },
    insecure: before.insecure || after.insecure,
  };
}

/**
 * The global options of a command line's parsed flags, with the environment's defaults (HELIOS_TOKEN,
 * HELIOS_CA/CERT/KEY, the timeouts' variables). Also how helios/zx's `connect` reads its options.
 */
export function globalsFrom(values: Record<string, FlagValue>, env: NodeJS.ProcessEnv): GlobalOptions {
  // -z A,B as -z A -z B: the masters of one cluster.
  const masters = masterList(listFlag(values.master), '-z');
  checkGoogleCredentials(values['google-credentials']);
  return {
    target: { masters, domains: listFlag(values.domains), srvName: stringFlag(values['srv-name']) },
    masters: [],
    username: stringFlag(values.username),
    httpTimeoutMs: timeoutFlag(values['http-timeout'], '--http-timeout', env.HELIOS_CLI_HTTP_TIMEOUT, 'HELIOS_CLI_HTTP_TIMEOUT', 60, false),
    retryTimeoutMs: timeoutFlag(values['retry-timeout'], '--retry-timeout', env.HELIOS_CLI_TOTAL_TIMEOUT, 'HELIOS_CLI_TOTAL_TIMEOUT', 0, true),
    json: values.json === true,
    verbose: values.verbose === true,
    authToken: env.HELIOS_TOKEN || undefined,
    tls: tlsPathsFrom({ ca: stringFlag(values.ca), cert: stringFlag(values.cert), key: stringFlag(values.key) }, env),
    insecure: values.insecure === true,
  };
}

/**
 * Helios' `--google-credentials BOOL` (default true: send a Google access token when one is found).
 * Taken so Helios scripts keep working; this master authenticates with HELIOS_TOKEN, so it changes
 * nothing, but a value other than true/false is still a mistake worth naming.
 */
function checkGoogleCredentials(flag: FlagValue): void {
  if (typeof flag === 'string' && !/^(true|false)$/i.test(flag)) {
    throw new HeliosError('INVALID_ARGUMENT', `--google-credentials must be true or false, got '${flag}'`);
  }
}

/** Seconds from the flag, else the variable (Helios' order), else the default; in ms. */
function timeoutFlag(flag: FlagValue, name: string, variable: string | undefined, variableName: string, fallback: number, zeroAllowed: boolean): number {
  const [text, from] = typeof flag === 'string' ? [flag, name] : variable ? [variable, variableName] : [undefined, name];
  if (text === undefined) return fallback * 1000;
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds < 0 || (seconds === 0 && !zeroAllowed)) {
    throw new HeliosError('INVALID_ARGUMENT', `${from} must be a ${zeroAllowed ? 'number of seconds (0 or more)' : 'positive number of seconds'}, got '${text}'`);
  }
  return seconds * 1000;
}

/**
 * `helios create x:1 busybox httpd -f -p 8080`: the options after `httpd` are the container's. Read
 * leniently (unknown options allowed), the words show where the command begins.
 */
function missingDashes(argv: string[], options: Options, commandName: string, commandAfter: (positionals: string[]) => number): HeliosError | undefined {
  const { tokens } = parseArgs({ args: argv, options, allowPositionals: true, strict: false, tokens: true });
  if (tokens.some((t) => t.kind === 'option-terminator')) return undefined;
  const positionals = tokens.filter((t) => t.kind === 'positional');
  const start = positionals[commandAfter(positionals.map((t) => t.value))];
  if (start === undefined || !tokens.some((t) => t.kind === 'option' && t.index > start.index)) return undefined;
  const fixed = [...argv.slice(0, start.index), '--', ...argv.slice(start.index)].map(shellWord).join(' ');
  return new HeliosError('INVALID_ARGUMENT', `'${argv[start.index]} …' looks like the container's command: put it after --, `
    + `e.g. helios ${commandName} ${fixed} (see helios ${commandName} --help)`);
}

/** A word as a shell would need it typed. */
const shellWord = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`);

function parse(args: string[], options: Options, who: string, allowPositionals: boolean) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true, tokens: true });
  } catch (err) {
    throw argumentError(err, who, allowPositionals);
  }
}

/** Turns node's parseArgs errors into one line that says what to do. */
function argumentError(err: unknown, who: string, afterCommand: boolean): HeliosError {
  const e = err as { code?: string; message?: string };
  const quoted = /'([^']+)'/.exec(e.message ?? '')?.[1];
  const see = `(see ${who} --help)`;
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new HeliosError('INVALID_ARGUMENT', afterCommand
        ? `unknown option ${quoted} for ${who} ${see}`
        : `unknown option ${quoted} before the command name ${see}`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const first = (e.message ?? '').split('\n')[0].replace(/\.$/, '').replace(/^Option/, 'option');
      const option = /'(-[^']*)'/.exec(first)?.[1];
      return new HeliosError('INVALID_ARGUMENT', / is ambiguous/.test(first) && option
        ? `option ${option} got a value starting with '-': write ${option}=VALUE ${see}`
        : `${first} ${see}`);
    }
    default:
      return new HeliosError('INVALID_ARGUMENT', `${(e.message ?? String(err)).split('\n')[0]} ${see}`);
  }
}
