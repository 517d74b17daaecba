import type { HeliosClient } from '../core/client/createClient.js';
import type { Job } from '../core/schema/job.js';
import { resolveJobRef } from '../core/model/jobRef.js';

/**
 * Turns a job reference (`foo`, `foo:v1`, `foo:v1:2a89d5a`, a full id) into one job, client-side as
 * Helios does: the master lists the jobs whose id contains the name, then core's `resolveJobRef`
 * picks one or throws UNKNOWN_JOB / AMBIGUOUS_JOB_REFERENCE.
 */
export async function resolveJob(client: HeliosClient, ref: string): Promise<{ id: string; job: Job }> {
  const name = ref.split(':')[0];
  const jobs = await client.jobs.list({ q: name });
  const id = resolveJobRef(ref, Object.keys(jobs));
  return { id, job: jobs[id] };
}
