import { isDeepStrictEqual } from 'node:util';
import { HeliosError } from '../core/errors/HeliosError.js';
import type { HealthCheck, JobSpec } from '../core/schema/job.js';
import {
  parseEnvSpec, parsePairSpec, parsePortSpec, parseRegistrationSpec, parseRolloutOptions, parseVolumeSpec, registrationEntry,
} from '../core/model/specs.js';
import type { FlagValue } from './command.js';
import { boolFlag, listFlag, stringFlag } from './usage.js';

/** `create`'s own options, shared with its help text. Short letters are Helios' (`-e` is --expires). */
export const createOptions = {
  env: { type: 'string', multiple: true },
  metadata: { type: 'string', short: 'm', multiple: true },
  labels: { type: 'string', multiple: true },
  port: { type: 'string', short: 'p', multiple: true },
  register: { type: 'string', short: 'r', multiple: true },
  'registration-domain': { type: 'string' },
  volume: { type: 'string', multiple: true },
  'http-check': { type: 'string' },
  'tcp-check': { type: 'string' },
  'exec-check': { type: 'string' },
  token: { type: 'string' },
  file: { type: 'string', short: 'f' },
  template: { type: 'string', short: 't' },
  quiet: { type: 'boolean', short: 'q' },
  hostname: { type: 'string' },
  'grace-period': { type: 'string' },
  'seconds-to-wait': { type: 'string' },
  init: { type: 'boolean' },
  expires: { type: 'string', short: 'e' },
  'security-opt': { type: 'string', multiple: true },
  'network-mode': { type: 'string' },
  'add-capability': { type: 'string', multiple: true },
  'drop-capability': { type: 'string', multiple: true },
  'rollout-options': { type: 'string', multiple: true },
  runtime: { type: 'string' },
  'registry-auth': { type: 'string' },
} as const;

/**
 * Environment variables copied into the job's metadata, as Helios' CLI does: Jenkins' git plugin sets
 * GIT_COMMIT, so a job created by a build records the commit it was built from.
 */
export const METADATA_FROM_ENV = ['GIT_COMMIT'] as const;

export interface CreatedSpec {
  spec: JobSpec;
  /** Things worth saying on stderr that do not stop the create (ignored rollout options). */
  warnings: string[];
}

const invalid = (message: string) => new HeliosError('INVALID_ARGUMENT', message);

/**
 * The job spec `create` sends: `base` (from -t TEMPLATE, then -f FILE) overridden by the positionals
 * (NAME:VERSION IMAGE, or Helios' old NAME VERSION IMAGE), the flags, and the command after `--`.
 * Map flags (--env, -m, --labels, -p, -r, --volume) add to the base's map; list flags
 * (--security-opt, --add/--drop-capability) and single values replace it. Checks only the shape of
 * each argument; the job rules are core's `buildJob`'s.
 */
export function createSpec(base: JobSpec, positionals: string[], flags: Record<string, FlagValue>, command: string[],
  env: NodeJS.ProcessEnv = {}): CreatedSpec {
  const spec: JobSpec = { ...base };
  const warnings: string[] = [];
  if (positionals.length === 3 && positionals[0].includes(':')) {
    // NAME:VERSION IMAGE and one more: the container's command, which goes after `--`.
    throw invalid(`unexpected argument '${positionals[2]}': put the container command after --, e.g. helios create ${positionals[0]} ${positionals[1]} -- ${positionals[2]}`);
  }
  const [idArg, image] = positionals.length === 3 && !positionals[0].includes(':')
    ? [`${positionals[0]}:${positionals[1]}`, positionals[2]]
    : positionals;
  if (idArg !== undefined) {
    if (idArg.split(':').length < 2) throw invalid(`job name and version expected as NAME:VERSION, got '${idArg}'`);
    delete spec.name;
    delete spec.version;
    spec.id = idArg;
  }
  if (!spec.id && !(spec.name && spec.version)) throw invalid('missing NAME:VERSION: usage: helios create NAME:VERSION IMAGE [options] [-- CMD ARGS…]');
  if (image !== undefined) spec.image = image;
  if (!spec.image) throw invalid('missing IMAGE: usage: helios create NAME:VERSION IMAGE [options] [-- CMD ARGS…]');

  const expires = stringFlag(flags.expires);
  if (expires?.includes('=')) {
    throw invalid(`-e is --expires (an ISO 8601 date), as in Helios; for an environment variable write --env ${expires}`);
  }
  addPairs(spec, 'env', listFlag(flags.env).map(parseEnvSpec));
  const fromEnv = METADATA_FROM_ENV.filter((name) => env[name] !== undefined).map((name): [string, string] => [name, env[name]!]);
  // GIT_COMMIT is a default: a metadata entry of the file or template, or -m, wins over it.
  spec.metadata = { ...Object.fromEntries(fromEnv), ...spec.metadata };
  addPairs(spec, 'metadata', listFlag(flags.metadata).map((text) => parsePairSpec('metadata', text)));
  if (Object.keys(spec.metadata).length === 0 && base.metadata === undefined) delete spec.metadata;
  addPairs(spec, 'labels', listFlag(flags.labels).map((text) => parsePairSpec('label', text)));
  addPairs(spec, 'ports', uniqueNames(listFlag(flags.port).map(parsePortSpec)));
  addRegistrations(spec, listFlag(flags.register));
  addPairs(spec, 'volumes', listFlag(flags.volume).map(parseVolumeSpec));

  const healthCheck = healthCheckFrom(flags);
  if (healthCheck) spec.healthCheck = healthCheck;
  const strings = { token: 'token', hostname: 'hostname', expires: 'expires', 'registration-domain': 'registrationDomain', 'network-mode': 'networkMode', runtime: 'runtime', 'registry-auth': 'registryAuth' } as const;
  for (const [flag, field] of Object.entries(strings)) {
    const value = stringFlag(flags[flag]);
    if (value !== undefined) spec[field] = value;
  }
  const lists = { 'security-opt': 'securityOpt', 'add-capability': 'addCapabilities', 'drop-capability': 'dropCapabilities' } as const;
  for (const [flag, field] of Object.entries(lists)) {
    if (flags[flag] !== undefined) spec[field] = listFlag(flags[flag]);
  }
  const rollout = listFlag(flags['rollout-options']);
  if (rollout.length > 0) {
    const { options, unknown } = parseRolloutOptions(rollout);
    spec.rolloutOptions = options;
    if (unknown.length > 0) warnings.push(`--rollout-options: ignored ${unknown.join(', ')} (known: timeout, parallelism, migrate, overlap, token, ignoreFailures)`);
  }
  const grace = intFlag(flags['grace-period'], 'grace-period');
  if (grace !== undefined) spec.gracePeriod = grace;
  const wait = intFlag(flags['seconds-to-wait'], 'seconds-to-wait');
  if (wait !== undefined) spec.secondsToWaitBeforeKill = wait;
  if (boolFlag(flags.init)) spec.init = true;
  if (command.length > 0) spec.command = command;

  // A template's or file's id carries its hash; once anything changed, the master computes a new one.
  if (idArg === undefined && spec.id?.split(':').length === 3 && !isDeepStrictEqual(spec, base)) {
    spec.id = spec.id.split(':').slice(0, 2).join(':');
  }
  return { spec, warnings };
}

type MapField = 'env' | 'metadata' | 'labels' | 'ports' | 'volumes';

/** Adds entries to one of the spec's maps (the flags' entries win over the base's). */
function addPairs<F extends MapField>(spec: JobSpec, field: F, entries: [string, NonNullable<JobSpec[F]>[string]][]): void {
  if (entries.length === 0) return;
  spec[field] = { ...spec[field], ...Object.fromEntries(entries) } as JobSpec[F];
}

/** -p given twice with one name is a mistake (Helios: "Duplicate port mapping name"), not an override. */
function uniqueNames<T>(entries: [string, T][]): [string, T][] {
  const seen = new Set<string>();
  for (const [name] of entries) {
    if (seen.has(name)) throw invalid(`-p names port '${name}' twice: give each port its own name`);
    seen.add(name);
  }
  return entries;
}

/** -r after the ports are known: a registration without a port takes the job's only one. */
function addRegistrations(spec: JobSpec, texts: string[]): void {
  if (texts.length === 0) return;
  const portNames = Object.keys(spec.ports ?? {});
  const registration = { ...spec.registration };
  for (const text of texts) {
    const [key, ports] = registrationEntry(parseRegistrationSpec(text), portNames);
    // The base may name the same endpoint without its default protocol (`web` for `web/http`).
    for (const old of Object.keys(registration)) if ((old.includes('/') ? old : `${old}/http`) === key) delete registration[old];
    registration[key] = ports;
  }
  spec.registration = registration;
}

function healthCheckFrom(flags: Record<string, FlagValue>): HealthCheck | undefined {
  const http = stringFlag(flags['http-check']);
  const tcp = stringFlag(flags['tcp-check']);
  const exec = stringFlag(flags['exec-check']);
  if ([http, tcp, exec].filter((v) => v !== undefined).length > 1) {
    throw invalid('give only one of --http-check, --tcp-check and --exec-check');
  }
  if (http !== undefined) {
    const colon = http.indexOf(':');
    if (colon <= 0 || http[colon + 1] !== '/') throw invalid(`--http-check expects PORT_NAME:/path (e.g. http:/healthz), got '${http}'`);
    return { type: 'http', port: http.slice(0, colon), path: http.slice(colon + 1) };
  }
  if (tcp !== undefined) {
    if (!tcp) throw invalid('--tcp-check expects a port name from -p');
    return { type: 'tcp', port: tcp };
  }
  if (exec !== undefined) {
    const words = exec.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) throw invalid('--exec-check expects a command, e.g. --exec-check "cat /ready"');
    return { type: 'exec', command: words };
  }
  return undefined;
}

function intFlag(value: FlagValue, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) throw invalid(`--${name} expects a whole number of seconds, got '${String(value)}'`);
  return Number(value);
}
