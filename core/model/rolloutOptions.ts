/**
 * The rollout options a rolling update runs with: each field from the request, else the job's
 * `rolloutOptions`, else Helios' default (`RolloutOptions.getDefault()`, merged field by field as
 * `ZooKeeperMasterModel.rolloutOptionsWithFallback` does). The group stores the merged, complete
 * options, and the CLI prints them the same way.
 */
import type { Static } from '@sinclair/typebox';
import type { FieldError } from '../errors/HeliosError.js';
import type { RolloutOptionsSchema } from '../schema/job.js';
import { fieldError, isInt, waitRangeErrors } from './rules/ruleKit.js';

export type RolloutOptions = Static<typeof RolloutOptionsSchema>;
export type EffectiveRolloutOptions = Required<RolloutOptions>;

/** Helios' defaults: 5 minutes per step, one host at a time, nothing migrated or overlapped, no token; ours: done once RUNNING, no revert. */
export const DEFAULT_ROLLOUT_OPTIONS: Readonly<EffectiveRolloutOptions> = Object.freeze({
  timeout: 300,
  parallelism: 1,
  migrate: false,
  overlap: false,
  token: '',
  ignoreFailures: false,
  minHealthySeconds: 0,
  autoRevert: false,
});

/**
 * @example effectiveRolloutOptions({ parallelism: 2 }, { parallelism: 3, overlap: true })
 * // → { timeout: 300, parallelism: 2, migrate: false, overlap: true, token: '', ignoreFailures: false, minHealthySeconds: 0, autoRevert: false }
 */
export function effectiveRolloutOptions(requested: RolloutOptions | undefined, ofJob: RolloutOptions | undefined): EffectiveRolloutOptions {
  const merged = { ...DEFAULT_ROLLOUT_OPTIONS };
  for (const key of Object.keys(merged) as Array<keyof EffectiveRolloutOptions>) {
    const value = requested?.[key] ?? ofJob?.[key];
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}

/**
 * The range checks of a job's `rolloutOptions` and of a rolling-update request's (types are the
 * schema's): `prefix` starts each path, e.g. `rolloutOptions`.
 */
export function rolloutOptionsErrors(prefix: string, options: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  errors.push(...waitRangeErrors(`${prefix}.timeout`, options.timeout, 1, 'seconds per step'));
  if (isInt(options.parallelism) && options.parallelism < 1) errors.push(fieldError(`${prefix}.parallelism`, 'must be 1 or more'));
  errors.push(...waitRangeErrors(`${prefix}.minHealthySeconds`, options.minHealthySeconds, 0, 'seconds'));
  return errors;
}
