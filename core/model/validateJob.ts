/**
 * Every rule of the Helios job descriptor (reference/helios.md "Job descriptor"). Returns *all* errors,
 * each with a dotted field path and a short lower-case message saying what is allowed, e.g.
 * `ports.http.internalPort: must be between 0 and 65535`. Unknown keys are warnings (the API ignores
 * them, as Helios did), or errors with `unknownFields: 'refuse'` (job files: a typo must not deploy).
 * Privileged fields (host paths, host network, capabilities) are valid here; whether a caller may
 * use them is admission's question (admission.ts).
 */
import { JobSpecSchema } from '../schema/job.js';
import type { FieldError } from '../errors/HeliosError.js';
import { structuralErrors } from './structuralErrors.js';
import { readJobSpec } from './readJobSpec.js';
import { unknownFieldError, unknownFieldWarning, unknownJobFields } from './unknownFields.js';
import { identityRules } from './rules/identityRules.js';
import { gracePeriodRules, healthCheckRules, portRules, registrationRules } from './rules/portRules.js';
import { mountRules } from './rules/mountRules.js';
import {
  envRules, hostnameRules, imageRules, networkModeRules, resourceRules, rolloutRules, timingRules,
} from './rules/containerRules.js';
import type { JobRule } from './rules/ruleKit.js';

export interface ValidateOptions {
  /** Reject `expires` before this time (ms since the epoch); defaults to now. */
  now?: number;
  /** `warn` (the default, the API's): unknown keys are ignored with a warning; `refuse`: they are errors. */
  unknownFields?: 'warn' | 'refuse';
}

/**
 * How job files in git are validated, by the syncer and by the master's sync alike: an unknown field
 * (a typo) is an error, and an `expires` in the past is not (the sync treats an expired job as absent,
 * with a warning, never as a broken file that refuses the commit; only the API refuses a past one).
 */
export const jobFileValidation = { now: Number.NEGATIVE_INFINITY, unknownFields: 'refuse' } as const satisfies ValidateOptions;

export interface ValidationResult {
  errors: FieldError[];
  warnings: string[];
}

const rules: JobRule[] = [
  identityRules, imageRules, hostnameRules, portRules, registrationRules, healthCheckRules, gracePeriodRules,
  mountRules, timingRules, networkModeRules, envRules, resourceRules, rolloutRules,
];

/**
 * @example validateJob({ id: 'web:1', image: 'busybox', ports: { http: { internalPort: 70000 } } })
 *   // → { errors: [{ path: 'ports.http.internalPort', message: 'must be between 0 and 65535' }], warnings: [] }
 */
export function validateJob(spec: unknown, options: ValidateOptions = {}): ValidationResult {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    return { errors: [{ path: '', message: 'must be an object' }], warnings: [] };
  }
  // Read as Helios reads it: a null member is an absent one, rollout numbers may be strings.
  const input = readJobSpec(spec as Record<string, unknown>);
  const unknown = unknownJobFields(input);
  const refuse = options.unknownFields === 'refuse';
  const structural = structuralErrors(JobSpecSchema, input);
  const ctx = { now: options.now ?? Date.now() };
  const semantic = rules.flatMap((rule) => rule(input, ctx))
    .filter((e) => !structural.some((s) => e.path === s.path || e.path.startsWith(`${s.path}.`)));
  return {
    errors: [...structural, ...semantic, ...(refuse ? unknown.map(unknownFieldError) : [])],
    warnings: refuse ? [] : unknown.map(unknownFieldWarning),
  };
}
