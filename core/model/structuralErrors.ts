/**
 * The schema check of a job spec, with TypeBox's errors turned into short messages under dotted field
 * paths (`ports.http.internalPort: must be an integer`). One error per path: the first is the clearest.
 */
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import type { FieldError } from '../errors/HeliosError.js';

export function structuralErrors(schema: TSchema, value: unknown, base = ''): FieldError[] {
  const byPath = new Map<string, string>();
  for (const error of Value.Errors(schema, value)) {
    const path = joinPaths(base, pointerToPath(error.path));
    if (byPath.has(path)) continue;
    if (error.type === ValueErrorType.Union && isTaggedUnion(error.schema)) {
      for (const nested of taggedUnionErrors(error.schema, error.value, path)) {
        if (!byPath.has(nested.path)) byPath.set(nested.path, nested.message);
      }
      continue;
    }
    byPath.set(path, describe(error));
  }
  return [...byPath].map(([path, message]) => ({ path, message }));
}

/** `/registration/web~1http/ports` → `registration.web/http.ports` (JSON pointer unescaped). */
export function pointerToPath(pointer: string): string {
  return pointer.split('/').slice(1).map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~')).join('.');
}

const joinPaths = (a: string, b: string) => (a && b ? `${a}.${b}` : a || b);

function describe(error: ValueError): string {
  const schema = error.schema as TSchema;
  switch (error.type) {
    case ValueErrorType.String: return 'must be a string';
    case ValueErrorType.Integer: return 'must be an integer';
    case ValueErrorType.Number: return 'must be a number';
    case ValueErrorType.Boolean: return 'must be true or false';
    case ValueErrorType.Array: return 'must be a list';
    case ValueErrorType.ObjectRequiredProperty: return 'is required';
    case ValueErrorType.Object: return schema.patternProperties ? `must be a map of ${mapValueKind(schema)}` : 'must be an object';
    case ValueErrorType.Literal: return `must be ${JSON.stringify(schema.const)}`;
    case ValueErrorType.Union: {
      const options = (schema.anyOf as TSchema[]).map((m) => m.const).filter((c) => c !== undefined);
      return options.length > 0 ? `must be ${orList(options.map(String))}` : 'has the wrong shape';
    }
    default: return error.message.toLowerCase();
  }
}

const mapValueKind = (schema: TSchema) => {
  const valueSchema = Object.values(schema.patternProperties as Record<string, TSchema>)[0];
  return valueSchema?.type === 'string' ? 'strings' : 'objects';
};

const orList = (items: string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`);

/** A union of objects told apart by a literal `type` (the health check). */
function isTaggedUnion(schema: TSchema): boolean {
  return Array.isArray(schema.anyOf) && schema.anyOf.every((m: TSchema) => m.properties?.type?.const !== undefined);
}

function taggedUnionErrors(schema: TSchema, value: unknown, path: string): FieldError[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [{ path, message: 'must be an object' }];
  const members = schema.anyOf as TSchema[];
  const tags = members.map((m) => String(m.properties.type.const));
  const member = members.find((m) => m.properties.type.const === (value as Record<string, unknown>).type);
  if (!member) return [{ path: joinPaths(path, 'type'), message: `must be ${orList(tags)}` }];
  return structuralErrors(member, value, path);
}
