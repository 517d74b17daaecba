import { JobFileSchema } from './jobFile.js';

/** The editor-facing JSON Schema of a job file, as text (draft-07, which YAML and JSON editors read). */
export function jobFileJsonSchema(): string {
  const schema = { $schema: 'http://json-schema.org/draft-07/schema#', ...JobFileSchema };
  return JSON.stringify(schema, null, 2) + '\n';
}
