/**
 * Helios' canonical job JSON, guided by the schema: in a struct (`Type.Object`) null and empty fields
 * are dropped; in a map (`Type.Record`) every entry is kept, even `""` or `{}`; keys are sorted at every
 * level (UTF-16 order, as Java's String does); dates are `yyyy-MM-dd'T'HH:mm:ss.SSS+0000`.
 * Serialized by hand because JSON.stringify puts integer-like keys ("10", "9") in numeric order.
 */
import type { TSchema } from '@sinclair/typebox';

const dateFields = new Set(['expires']);

export function canonicalJson(schema: TSchema, value: unknown): string {
  return serialize(canonicalize(schema, value) ?? {});
}

function canonicalize(schema: TSchema, value: unknown, key?: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (key !== undefined && dateFields.has(key) && typeof value === 'string') return formatHeliosDate(value);
  if (schema.anyOf && isPlainObject(value)) return canonicalize(pickUnionMember(schema.anyOf, value), value);
  if (schema.type === 'object' && schema.properties && isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [field, fieldSchema] of Object.entries(schema.properties as Record<string, TSchema>)) {
      const canonical = canonicalize(fieldSchema, value[field], field);
      if (!isEmpty(canonical)) out[field] = canonical;
    }
    return out;
  }
  if (schema.type === 'object' && schema.patternProperties && isPlainObject(value)) {
    const valueSchema = Object.values(schema.patternProperties as Record<string, TSchema>)[0];
    const out: Record<string, unknown> = {};
    for (const [entryKey, entry] of Object.entries(value)) {
      const canonical = canonicalize(valueSchema, entry);
      if (canonical !== undefined) out[entryKey] = canonical;
    }
    return out;
  }
  if (schema.type === 'array' && Array.isArray(value)) {
    return value.map((item) => canonicalize(schema.items as TSchema, item) ?? null);
  }
  return value;
}

function pickUnionMember(members: TSchema[], value: Record<string, unknown>): TSchema {
  return members.find((m) => m.properties?.type?.const === value.type) ?? members[0];
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return isPlainObject(value) && Object.keys(value).length === 0;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function serialize(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(serialize).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${serialize(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `2027-01-02T03:04:05.006+0000`, the form Helios hashes dates in. */
export function formatHeliosDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toISOString().replace('Z', '+0000');
}
