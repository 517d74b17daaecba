/**
 * Keys a job spec carries that the job model does not know, at the top and inside its structs
 * (`ports.http.internalPrt`), each with the known key it most likely meant. The API ignores them
 * (Helios did: a client may send fields of a newer Helios); job files refuse them (a typo such as
 * `comand:` would otherwise run the image's default command).
 */
import type { TSchema } from '@sinclair/typebox';
import { JobSpecSchema, knownJobKeys } from '../schema/job.js';
import type { FieldError } from '../errors/HeliosError.js';
import { didYouMean } from './didYouMean.js';

export interface UnknownField {
  /** Dotted path, e.g. `ports.http.internalPrt`. */
  path: string;
  /** The known key beside it that it most likely meant, e.g. `internalPort`. */
  suggestion?: string;
}

/**
 * `deploy` is a job file's block, which readers of files take off before the spec is checked; a
 * spec that still carries it (a job file posted to the API) is not told it is unknown.
 */
const topLevelKeys = new Set([...knownJobKeys, 'deploy']);

/**
 * @example
 *   unknownJobFields({ name: 'web', comand: ['sh'], ports: { http: { internalPrt: 80 } } })
 *   // → [{ path: 'comand', suggestion: 'command' }, { path: 'ports.http.internalPrt', suggestion: 'internalPort' }]
 */
export function unknownJobFields(spec: Record<string, unknown>): UnknownField[] {
  const found: UnknownField[] = [];
  for (const [key, value] of Object.entries(spec)) {
    if (!topLevelKeys.has(key)) found.push(unknownField(key, key, topLevelKeys));
    else if (key !== 'deploy') walk(JobSpecSchema.properties[key as keyof typeof JobSpecSchema.properties], value, key, found);
  }
  return found;
}

/** The error of a job file's unknown field: `comand: unknown field; did you mean command?` once formatted. */
export const unknownFieldError = (field: UnknownField): FieldError =>
  ({ path: field.path, message: `unknown field${field.suggestion ? `; did you mean ${field.suggestion}?` : ''}` });

/** The API's warning: `unknown field comand ignored; did you mean command?`. */
export const unknownFieldWarning = (field: UnknownField): string =>
  `unknown field ${field.path} ignored${field.suggestion ? `; did you mean ${field.suggestion}?` : ''}`;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const unknownField = (path: string, key: string, known: Iterable<string>): UnknownField => {
  const suggestion = didYouMean(key, known);
  return suggestion === undefined ? { path } : { path, suggestion };
};

/** Walks `value` along `schema`, adding the keys a struct does not declare; map keys are free. */
function walk(schema: TSchema | undefined, value: unknown, path: string, found: UnknownField[]): void {
  if (schema === undefined || !isRecord(value)) return;
  if (schema.anyOf) {
    // The health check: the member named by `type` (a wrong type is a schema error, reported there).
    const member = (schema.anyOf as TSchema[]).find((m) => m.properties?.type?.const === value.type);
    walk(member, value, path, found);
    return;
  }
  if (schema.properties) {
    const properties = schema.properties as Record<string, TSchema>;
    for (const [key, child] of Object.entries(value)) {
      if (properties[key]) walk(properties[key], child, `${path}.${key}`, found);
      else found.push(unknownField(`${path}.${key}`, key, Object.keys(properties)));
    }
    return;
  }
  if (schema.patternProperties) {
    const valueSchema = Object.values(schema.patternProperties as Record<string, TSchema>)[0];
    for (const [key, child] of Object.entries(value)) walk(valueSchema, child, `${path}.${key}`, found);
  }
}
