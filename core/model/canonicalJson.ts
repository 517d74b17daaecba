/**
 * Helios' canonical job JSON, the input of the job id hash. Helios writes its job builder with Jackson
 * (`NON_EMPTY`, properties and map keys sorted), reads that back as a map and writes it again
 * (`Json.sha1digest`). The effect, guided here by the schema:
 * - in a struct (`Type.Object`) null, `""`, `[]` and `{}` *maps/lists* are dropped, but a struct value
 *   is never "empty" for Jackson: `resources: {}` stays `"resources":{}`;
 * - in a map (`Type.Record`) every entry is kept, even `""` or `{}`;
 * - keys are sorted at every level in UTF-16 order (Java's String.compareTo);
 * - dates are `yyyy-MM-dd'T'HH:mm:ss.SSS+0000` (UTC);
 * - `addCapabilities`/`dropCapabilities` are Java HashSets: deduplicated, in HashSet order;
 * - strings are escaped as Jackson does: `\u001F` with upper-case hex, non-ASCII written as is.
 * Serialized by hand because JSON.stringify puts integer-like keys ("10", "9") in numeric order.
 */
import type { TSchema } from '@sinclair/typebox';
import { formatHeliosDate } from './isoDate.js';
import { javaHashSetOrder } from './javaHashOrder.js';

export { formatHeliosDate } from './isoDate.js';

const dateFields = new Set(['expires']);
const setFields = new Set(['addCapabilities', 'dropCapabilities']);

/**
 * @example canonicalJson(HashedJobSchema, { name: 'foo', version: 'v1', image: 'rohan/memcached-tiny', env: {} })
 *   // → '{"image":"rohan/memcached-tiny","name":"foo","version":"v1"}'
 */
export function canonicalJson(schema: TSchema, value: unknown): string {
  return serialize(canonicalize(schema, value) ?? {});
}

function canonicalize(schema: TSchema, value: unknown, key?: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (key !== undefined && dateFields.has(key) && typeof value === 'string') return formatHeliosDate(value);
  if (key !== undefined && setFields.has(key) && Array.isArray(value)) return javaHashSetOrder(value.map(String));
  if (schema.anyOf && isPlainObject(value)) return canonicalize(pickUnionMember(schema.anyOf, value), value);
  if (isStruct(schema) && isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [field, fieldSchema] of Object.entries(schema.properties as Record<string, TSchema>)) {
      const canonical = canonicalize(fieldSchema, value[field], field);
      if (!isEmpty(canonical, fieldSchema)) out[field] = canonical;
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

const isStruct = (schema: TSchema) => schema.type === 'object' && schema.properties !== undefined;

function pickUnionMember(members: TSchema[], value: Record<string, unknown>): TSchema {
  return members.find((m) => m.properties?.type?.const === value.type) ?? members[0];
}

/** Jackson's NON_EMPTY: null, "", empty collections and maps; never a struct (a bean). */
function isEmpty(value: unknown, schema: TSchema): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isStruct(schema) || schema.anyOf) return false;
  return isPlainObject(value) && Object.keys(value).length === 0;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function serialize(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(serialize).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${quote(k)}:${serialize(value[k])}`).join(',')}}`;
  }
  if (typeof value === 'string') return quote(value);
  return JSON.stringify(value);
}

const shortEscapes: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };

/** A JSON string as Jackson writes it (JSON.stringify differs only in lower-case `\u001f`). */
function quote(text: string): string {
  // eslint-disable-next-line no-control-regex
  return `"${text.replace(/["\\\u0000-\u001f]/g, (ch) => shortEscapes[ch] ?? `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)}"`;
}
