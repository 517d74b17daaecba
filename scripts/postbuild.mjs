// Writes the JSON Schema of job files for editors, from the one TypeBox schema: into dist/ for the
// package, and into core/schema/job.schema.json, the committed copy job files point at
// (a test fails when that copy is stale).
import { writeFileSync } from 'node:fs';
import { jobFileJsonSchema } from '../dist/core/schema/jobFileJsonSchema.js';

const text = jobFileJsonSchema();
writeFileSync(new URL('../dist/job.schema.json', import.meta.url), text);
writeFileSync(new URL('../core/schema/job.schema.json', import.meta.url), text);
