import { readFile } from 'node:fs/promises';
import { HeliosError } from '../core/errors/HeliosError.js';
import type { JobSpec } from '../core/schema/job.js';
import { unknownFieldError, unknownJobFields } from '../core/model/unknownFields.js';

/**
 * Reads `create -f FILE`: a JSON job (Helios' own format, `id` optional) or a GitOps job file in YAML
 * (name, version, job fields, and a `deploy` block and `$schema` that `create` ignores). Syntax errors
 * name the file and line. An unknown field is refused, as in git (`comand: unknown field; did you mean
 * command?`): a file is written by hand, and a typo would create a job without the field.
 */
export async function readJobFile(path: string): Promise<JobSpec> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new HeliosError('INVALID_ARGUMENT', `cannot read job file ${path}: ${reason}`, { file: path }, { cause: err });
  }
  const { parse } = await import('yaml');
  let value: unknown;
  try {
    value = parse(text);
  } catch (err) {
    const line = (err as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    const message = ((err as Error).message ?? String(err)).split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new HeliosError('INVALID_ARGUMENT', `${path}${line ? `:${line}` : ''}: ${message}`, { file: path, line }, { cause: err });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HeliosError('INVALID_ARGUMENT', `${path}: a job file holds one object (name, version, image, …)`, { file: path });
  }
  const { deploy: _deploy, $schema: _schema, ...spec } = value as Record<string, unknown>;
  const unknown = unknownJobFields(spec).map(unknownFieldError);
  if (unknown.length > 0) {
    throw new HeliosError('INVALID_JOB_DEFINITION', `${path}: ${unknown.map((e) => `${e.path}: ${e.message}`).join('; ')}`, { file: path, errors: unknown });
  }
  return spec as JobSpec;
}
