/**
 * The rollout options a rolling update runs with: each field from the request, else the job's
 * `rolloutOptions`, else Helios' default (`RolloutOptions.getDefault()`, merged field by field as
 * `ZooKeeperMasterModel.rolloutOptionsWithFallback` does). The group stores the merged, complete
 * options, and the CLI prints them the same way.
 */
import type { Static } from '@sinclair/typebox';
import type { RolloutOptionsSchema } from '../schema/job.js';

export type RolloutOptions = Static<typeof RolloutOptionsSchema>;
export type EffectiveRolloutOptions = Required<RolloutOptions>;

/** Helios' defaults: 5 minutes per step, one host at a time, nothing migrated or overlapped, no token. */
export const DEFAULT_ROLLOUT_OPTIONS: Readonly<EffectiveRolloutOptions> = Object.freeze({
  timeout: 300,
  parallelism: 1,
  migrate: false,
  overlap: false,
  token: '',
  ignoreFailures: false,
});

/**
 * @example effectiveRolloutOptions({ parallelism: 2 }, { parallelism: 3, overlap: true })
 * // → { timeout: 300, parallelism: 2, migrate: false, overlap: true, token: '', ignoreFailures: false }
 */
export function effectiveRolloutOptions(requested: RolloutOptions | undefined, ofJob: RolloutOptions | undefined): EffectiveRolloutOptions {
  const merged = { ...DEFAULT_ROLLOUT_OPTIONS };
  for (const key of Object.keys(merged) as Array<keyof EffectiveRolloutOptions>) {
    const value = requested?.[key] ?? ofJob?.[key];
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}
