import type { HeliosClient } from '../core/client/createClient.js';
import type { Job } from '../core/schema/job.js';

/**
 * Turns a job reference (`foo`, `foo:v1`, `foo:v1:2a89d5a`, a full id) into one job, client-side as
 * Helios does: the master lists the jobs whose id contains the name, then core's `resolveJobRef`
 * picks one or throws UNKNOWN_JOB / AMBIGUOUS_JOB_REFERENCE. (Loaded lazily: it pulls in the job
 * schema, which `helios --help` must not pay for.) `planned`: jobs the master does not hold that count
 * too (a dry run's, see zx/dryRun.ts).
 */
export async function resolveJob(client: HeliosClient, ref: string, planned: ReadonlyMap<string, Job> = new Map()): Promise<{ id: string; job: Job }> {
  const name = ref.split(':')[0];
  // The import overlaps the request: the job schema costs ~100 ms to load.
  const [{ resolveJobRef }, listed] = await Promise.all([import('../core/model/jobRef.js'), client.jobs.list({ q: name })]);
  const jobs = { ...listed, ...Object.fromEntries(planned) };
  const id = resolveJobRef(ref, Object.keys(jobs));
  return { id, job: jobs[id] };
}
