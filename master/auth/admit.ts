import type { FastifyRequest } from 'fastify';
import { HeliosError, privilegedFields, type AdmissionPolicy, type Job } from '../../core/index.js';
import { bypassesAdmission } from './principal.js';

/** The policy a request's jobs are held to; undefined for a named admin token, which may ask for anything. */
export const admissionFor = (request: FastifyRequest, policy: AdmissionPolicy): AdmissionPolicy | undefined =>
  (bypassesAdmission(request.principal) ? undefined : policy);

/** Refuses, with 403 FORBIDDEN naming every field, a job the request's token may not create. */
export function admitJob(request: FastifyRequest, policy: AdmissionPolicy, job: Job): void {
  const applied = admissionFor(request, policy);
  const refused = applied ? privilegedFields(job, applied) : [];
  if (refused.length === 0) return;
  const who = request.principal.anonymous ? 'a request without a token (the master has no token file)' : `token "${request.principal.name}" (role ${request.principal.role})`;
  throw new HeliosError('FORBIDDEN',
    `job ${job.id} asks for privileged fields that ${who} may not create: ${refused.map((e) => `${e.path}: ${e.message}`).join('; ')}. Use an admin token, or have the master allow them`,
    { jobId: job.id, errors: refused });
}
