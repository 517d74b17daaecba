/** How the container runs: image, hostname, network, env, limits, timing, rollout. */
import type { FieldError } from '../../errors/HeliosError.js';
import { imageRefProblem } from '../image.js';
import { parseIsoDate } from '../isoDate.js';
import { rolloutOptionsErrors } from '../rolloutOptions.js';
import { entriesOf, fieldError, isInt, isRecord, isString, joinPath, waitRangeErrors, type JobRule } from './ruleKit.js';

const HOSTNAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const NETWORK_MODE = /^(?:bridge|host|none|container:[A-Za-z0-9][A-Za-z0-9_.-]*)$/;
const CPUSET = /^\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*$/;

export const imageRules: JobRule = (spec) => {
  if (!isString(spec.image)) return [];
  const problem = imageRefProblem(spec.image);
  return problem ? [fieldError('image', problem)] : [];
};

export const hostnameRules: JobRule = (spec) =>
  isString(spec.hostname) && !HOSTNAME.test(spec.hostname)
    ? [fieldError('hostname', 'must be 1-63 lower-case letters, digits or "-", starting with a letter or digit')]
    : [];

export const networkModeRules: JobRule = (spec) =>
  isString(spec.networkMode) && !NETWORK_MODE.test(spec.networkMode)
    ? [fieldError('networkMode', 'must be bridge, host, none or container:<name|id>')]
    : [];

export const envRules: JobRule = (spec) => {
  const errors: FieldError[] = [];
  for (const [key] of entriesOf(spec.env)) {
    if (key === '') errors.push(fieldError('env', 'variable names must not be empty'));
    else if (key.includes('=')) errors.push(fieldError(joinPath('env', key), 'variable name must not contain "="'));
    else if (key.includes('\0')) errors.push(fieldError(joinPath('env', key), 'variable name must not contain a NUL character'));
  }
  return errors;
};

export const resourceRules: JobRule = (spec) => {
  const resources = spec.resources;
  if (!isRecord(resources)) return [];
  const errors: FieldError[] = [];
  for (const field of ['memory', 'cpuShares'] as const) {
    const value = resources[field];
    if (isInt(value) && value < 0) errors.push(fieldError(`resources.${field}`, 'must be 0 or more'));
  }
  const swap = resources.memorySwap;
  if (isInt(swap) && swap < -1) errors.push(fieldError('resources.memorySwap', 'must be 0 or more, or -1 (unlimited swap)'));
  if (isInt(swap) && swap > 0 && isInt(resources.memory) && resources.memory > 0 && swap < resources.memory) {
    errors.push(fieldError('resources.memorySwap', 'must be at least resources.memory (it counts memory plus swap)'));
  }
  if (isString(resources.cpuset) && !CPUSET.test(resources.cpuset)) {
    errors.push(fieldError('resources.cpuset', 'must be a cpu list such as 0-3 or 0,2'));
  }
  return errors;
};

export const rolloutRules: JobRule = (spec) => {
  const options = spec.rolloutOptions;
  return isRecord(options) ? rolloutOptionsErrors('rolloutOptions', options) : [];
};

export const timingRules: JobRule = (spec, ctx) => {
  const errors: FieldError[] = [];
  if (isString(spec.expires)) {
    const at = parseIsoDate(spec.expires);
    if (at === null) errors.push(fieldError('expires', 'must be an ISO 8601 date, e.g. 2030-01-31T12:00:00Z'));
    else if (at < ctx.now) errors.push(fieldError('expires', 'must not be in the past'));
  }
  errors.push(...waitRangeErrors('secondsToWaitBeforeKill', spec.secondsToWaitBeforeKill, 0, 'seconds'));
  return errors;
};
