import test from 'ava';
import { readFileSync } from 'node:fs';
import { jobFileJsonSchema } from './jobFileJsonSchema.js';

test('the committed job.schema.json for editors matches the schema (npm run build regenerates it)', (t) => {
  const committed = readFileSync(new URL('./job.schema.json', import.meta.url), 'utf8');
  t.is(committed, jobFileJsonSchema());
});

test('the job file schema requires name, version and image and describes the deploy block', (t) => {
  const schema = JSON.parse(jobFileJsonSchema());
  t.deepEqual(schema.required, ['name', 'version', 'image']);
  t.deepEqual(Object.keys(schema.properties.deploy.properties), ['hosts', 'goal', 'group', 'selector', 'rollout']);
});
