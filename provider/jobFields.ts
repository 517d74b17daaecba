import type { Core } from './loadCore.js';

/** The inputs that make up a job: name, version and every config field of core's job schema. */
export function jobFieldNames(core: Core): string[] {
  return ['name', 'version', ...Object.keys(core.jobConfigFields)];
}

/** Only the job fields of a props bag (drops `jobId`, `__provider` and anything unknown to the schema). */
export function pickJobFields(core: Core, props: Record<string, unknown>): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  for (const field of jobFieldNames(core)) {
    if (props[field] !== undefined && props[field] !== null) spec[field] = props[field];
  }
  return spec;
}
