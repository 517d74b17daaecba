import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { invalidRequest } from '../core/index.js';

const where: Record<string, string> = { body: 'body', querystring: 'query parameter ', params: 'path parameter ', headers: 'header ' };

/**
 * Validates bodies, query strings and path parameters with TypeBox. Query strings and paths are
 * converted first (`?index=5` → 5); bodies are not, so a body with a wrong type is refused rather
 * than coerced. The error names the field: `query parameter index: Expected integer`.
 */
export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const checker = TypeCompiler.Compile(schema);
  const convert = httpPart === 'querystring' || httpPart === 'params';
  return (data: unknown) => {
    const value = convert ? Value.Convert(schema, data) : data;
    if (checker.Check(value)) return { value };
    const first = checker.Errors(value).First()!;
    const field = first.path.slice(1).replaceAll('/', '.');
    const part = where[httpPart ?? 'body'] ?? `${httpPart} `;
    const name = httpPart === 'body' ? (field ? `body.${field}` : 'body') : `${part}${field}`.trimEnd();
    const message = first.message === 'Expected required property' ? 'is required'
      : (first.schema as { errorMessage?: string }).errorMessage ?? first.message;
    return { error: invalidRequest(`${name}: ${message}`, { field: field || httpPart }) };
  };
};
