/**
 * A job spec as Helios' Jackson reads it, before the rules look at it. Helios' Java client writes
 * every field of its descriptors, absent ones as `null` (`"externalPort": null`, `"rolloutOptions":
 * {"timeout": null, "parallelism": 2, …}`), and its CLI's `--rollout-options parallelism=2` gives
 * numbers as strings, which Jackson coerces (Helios' RolloutOptionsTest). So:
 * - a `null` member of a struct (`Type.Object`), at any depth, is an absent member; a `null` value in
 *   a map or a list stays, and the rules refuse it (`env.FOO: must be a string`);
 * - in `rolloutOptions`, `"2"` for an integer and `"true"`/`"false"` for a boolean are the number
 *   and the boolean.
 * Nulls never reach the job id hash (Helios' hash drops them too), so this changes no id.
 */
import type { TSchema } from '@sinclair/typebox';
import { JobSpecSchema } from '../schema/job.js';

type Spec = Record<string, unknown>;

/** @example readJobSpec({ id: 'a:1', image: 'x', rolloutOptions: { timeout: null, parallelism: '2' } }) // → { id: 'a:1', image: 'x', rolloutOptions: { parallelism: 2 } } */
export function readJobSpec(spec: Spec): Spec {
  const read = readValue(JobSpecSchema, spec) as Spec;
  if (isRecord(read.rolloutOptions)) read.rolloutOptions = coerceRolloutOptions(read.rolloutOptions);
  return read;
}

function readValue(schema: TSchema | undefined, value: unknown): unknown {
  if (schema === undefined || !isRecord(value)) return value;
  if (schema.anyOf) return readValue(unionMember(schema.anyOf as TSchema[], value), value);
  if (schema.type === 'object' && schema.properties) {
    const properties = schema.properties as Record<string, TSchema>;
    const out: Spec = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== null) out[key] = readValue(properties[key], member);
    }
    return out;
  }
  if (schema.type === 'object' && schema.patternProperties) {
    const entrySchema = Object.values(schema.patternProperties as Record<string, TSchema>)[0];
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, readValue(entrySchema, entry)]));
  }
  return value;
}

/** The health check: the member its `type` names (a wrong type is the rules' to report). */
const unionMember = (members: TSchema[], value: Spec) => members.find((m) => m.properties?.type?.const === value.type);

const INTEGER_TEXT = /^-?\d{1,15}$/;
const integerFields = ['timeout', 'parallelism', 'minHealthySeconds'];
const booleanFields = ['migrate', 'overlap', 'ignoreFailures', 'autoRevert'];

export function coerceRolloutOptions(options: Spec): Spec {
  const out = { ...options };
  for (const key of integerFields) {
    const value = out[key];
    if (typeof value === 'string' && INTEGER_TEXT.test(value)) out[key] = Number(value);
  }
  for (const key of booleanFields) {
    if (out[key] === 'true') out[key] = true;
    else if (out[key] === 'false') out[key] = false;
  }
  return out;
}

const isRecord = (value: unknown): value is Spec => typeof value === 'object' && value !== null && !Array.isArray(value);
