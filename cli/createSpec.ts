import { HeliosError } from '../core/errors/HeliosError.js';
import type { HealthCheck, JobSpec } from '../core/schema/job.js';
import { parseEnvSpec, parsePortSpec, parseVolumeSpec } from '../core/model/specs.js';
import type { FlagValue } from './command.js';
import { boolFlag, listFlag, stringFlag } from './usage.js';

/** `create`'s own options, shared with its help text. */
export const createOptions = {
  env: { type: 'string', short: 'e', multiple: true },
  port: { type: 'string', short: 'p', multiple: true },
  volume: { type: 'string', multiple: true },
  'http-check': { type: 'string' },
  'tcp-check': { type: 'string' },
  'exec-check': { type: 'string' },
  token: { type: 'string' },
  file: { type: 'string', short: 'f' },
  template: { type: 'string', short: 't' },
  hostname: { type: 'string' },
  'grace-period': { type: 'string' },
  'seconds-to-wait': { type: 'string' },
  init: { type: 'boolean' },
  expires: { type: 'string' },
} as const;

const invalid = (message: string) => new HeliosError('INVALID_ARGUMENT', message);

/**
 * The job spec `create` sends: `base` (from -t TEMPLATE, then -f FILE) overridden by the positionals
 * (NAME:VERSION IMAGE, or Helios' old NAME VERSION IMAGE), the flags, and the command after `--`.
 * Checks only the shape of each argument; the job rules are core's `buildJob`'s.
 */
export function createSpec(base: JobSpec, positionals: string[], flags: Record<string, FlagValue>, command: string[]): JobSpec {
  const spec: JobSpec = { ...base };
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
  } else if (spec.id && spec.id.split(':').length === 3 && (positionals.length > 0 || command.length > 0 || hasOverrides(flags))) {
    spec.id = spec.id.split(':').slice(0, 2).join(':');
  }
  if (!spec.id && !(spec.name && spec.version)) throw invalid('missing NAME:VERSION: usage: helios create NAME:VERSION IMAGE [options] [-- CMD ARGS…]');
  if (image !== undefined) spec.image = image;
  if (!spec.image) throw invalid('missing IMAGE: usage: helios create NAME:VERSION IMAGE [options] [-- CMD ARGS…]');

  for (const text of listFlag(flags.env)) {
    const [key, value] = parseEnvSpec(text);
    spec.env = { ...spec.env, [key]: value };
  }
  for (const text of listFlag(flags.port)) {
    const [name, mapping] = parsePortSpec(text);
    spec.ports = { ...spec.ports, [name]: mapping };
  }
  for (const text of listFlag(flags.volume)) {
    const [containerPath, source] = parseVolumeSpec(text);
    spec.volumes = { ...spec.volumes, [containerPath]: source };
  }
  const healthCheck = healthCheckFrom(flags);
  if (healthCheck) spec.healthCheck = healthCheck;
  const token = stringFlag(flags.token);
  if (token !== undefined) spec.token = token;
  const hostname = stringFlag(flags.hostname);
  if (hostname !== undefined) spec.hostname = hostname;
  const expires = stringFlag(flags.expires);
  if (expires !== undefined) spec.expires = expires;
  const grace = intFlag(flags['grace-period'], 'grace-period');
  if (grace !== undefined) spec.gracePeriod = grace;
  const wait = intFlag(flags['seconds-to-wait'], 'seconds-to-wait');
  if (wait !== undefined) spec.secondsToWaitBeforeKill = wait;
  if (boolFlag(flags.init)) spec.init = true;
  if (command.length > 0) spec.command = command;
  return spec;
}

const overrideFlags = Object.keys(createOptions).filter((k) => k !== 'file' && k !== 'template');
const hasOverrides = (flags: Record<string, FlagValue>) => overrideFlags.some((k) => flags[k] !== undefined);

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
