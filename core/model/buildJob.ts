import { jobConfigFields, type HashedJob, type Job, type JobSpec, type PortMapping } from '../schema/job.js';
import { invalidJob } from '../errors/HeliosError.js';
import { jobHash, parseJobId } from './jobId.js';
import { validateJob, type ValidateOptions } from './validateJob.js';
import { parseIsoDate } from './isoDate.js';
import { readJobSpec } from './readJobSpec.js';

export interface BuiltJob {
  job: Job;
  warnings: string[];
}

/**
 * Validates a job spec (from the API, a job file, the CLI or Pulumi), fills Helios' defaults and
 * computes its id. Throws INVALID_JOB_DEFINITION listing every error. A spec whose `id` carries a
 * hash must hash to it.
 */
export function buildJob(spec: unknown, options: ValidateOptions = {}): BuiltJob {
  const { errors, warnings } = validateJob(spec, options);
  if (errors.length > 0) throw invalidJob(errors);
  const input = readJobSpec(spec as Record<string, unknown>) as JobSpec;
  const idParts = input.id ? parseJobId(input.id) : null;
  const name = input.name ?? idParts?.name ?? '';
  const version = input.version ?? idParts?.version ?? '';
  const hashed = hashedFields(input, name, version);
  const hash = jobHash(hashed);
  if (idParts?.hash && idParts.hash !== hash) {
    throw invalidJob([{ path: 'id', message: `hash ${idParts.hash} does not match the job's configuration (${hash})` }]);
  }
  const { name: _n, version: _v, ...config } = hashed;
  const job: Job = {
    id: `${name}:${version}:${hash}`,
    ...config,
    command: config.command ?? [],
    env: config.env ?? {},
    ports: config.ports ?? {},
    registration: config.registration ?? {},
    ...(input.registryAuth !== undefined && { registryAuth: input.registryAuth }),
  };
  return { job, warnings };
}

/**
 * The hashed view of a spec: known fields only, with Helios' defaults: port protocol `tcp`, a
 * registration key without protocol means `/http` (Helios' ServiceEndpoint), dates in UTC ISO form.
 * Exported for whoever compares specs as the master does (the Pulumi provider's diff).
 */
export function hashedFields(spec: JobSpec, name: string, version: string): HashedJob {
  const fields: Record<string, unknown> = { name, version };
  for (const key of Object.keys(jobConfigFields)) {
    const value = (spec as Record<string, unknown>)[key];
    if (value !== undefined && value !== null) fields[key] = value;
  }
  if (spec.ports) fields.ports = Object.fromEntries(Object.entries(spec.ports).map(([portName, port]) => [portName, withProtocol(port)]));
  if (spec.registration) {
    fields.registration = Object.fromEntries(Object.entries(spec.registration).map(([key, ports]) => [key.includes('/') ? key : `${key}/http`, ports]));
  }
  if (spec.expires) fields.expires = new Date(parseIsoDate(spec.expires) ?? Number.NaN).toISOString();
  return fields as HashedJob;
}

const withProtocol = (port: PortMapping): PortMapping => ({ ...port, protocol: port.protocol ?? 'tcp' });

/** The spec that re-creates a stored job (for job files, `inspect --json` and Pulumi state). */
export function jobToSpec(job: Job): JobSpec {
  const { created: _c, creatingUser: _u, owner: _o, ...spec } = job;
  return spec;
}
