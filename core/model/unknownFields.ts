/** Warnings for keys the schema does not know inside nested structs (`ports.http.extra`). */
import type { TSchema } from '@sinclair/typebox';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Walks `value` along `schema`; the top level is left to the caller (it has its own known keys). */
export function unknownFieldWarnings(schema: TSchema, value: unknown, path = ''): string[] {
  if (!isRecord(value)) return [];
  if (schema.anyOf) {
    const member = (schema.anyOf as TSchema[]).find((m) => m.properties?.type?.const === value.type);
    return member ? unknownFieldWarnings(member, value, path) : [];
  }
  if (schema.properties) {
    const properties = schema.properties as Record<string, TSchema>;
    return Object.entries(value).flatMap(([key, child]) => {
      const childPath = path ? `${path}.${key}` : key;
      if (properties[key]) return unknownFieldWarnings(properties[key], child, childPath);
      return path ? [`unknown field ${childPath} ignored`] : [];
    });
  }
  if (schema.patternProperties) {
    const valueSchema = Object.values(schema.patternProperties as Record<string, TSchema>)[0];
    return Object.entries(value).flatMap(([key, child]) => unknownFieldWarnings(valueSchema, child, `${path}.${key}`));
  }
  return [];
}
