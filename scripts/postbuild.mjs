// Writes the JSON Schema of job files for editors (dist/job.schema.json), from the one TypeBox schema.
import { writeFileSync } from 'node:fs';
import { JobFileSchema } from '../dist/core/schema/jobFile.js';

const schema = { $schema: 'http://json-schema.org/draft-07/schema#', ...JobFileSchema };
writeFileSync(new URL('../dist/job.schema.json', import.meta.url), JSON.stringify(schema, null, 2) + '\n');
