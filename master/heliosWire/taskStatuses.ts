/**
 * Helios' TaskStatus carries the whole job (`{job: {...}, goal, state, ...}`, TaskStatus.java), and its
 * Java client refuses one without it; ours names the job (`jobId`). These put the job in, from the
 * answer itself where it has it (a job's status) or by id; a status whose job is gone is left out,
 * as Helios had none for a removed job. Pull progress stays out: Helios' wire format is Helios'.
 */
import type { Job, TaskStatus } from '../../core/index.js';

export type JobLookup = (jobId: string) => Promise<Job | undefined>;

export type HeliosTaskStatus = Omit<TaskStatus, 'jobId' | 'pullProgress'> & { job: Job };

/** Helios' TaskStatus of ours: the job in, and pull progress (which Helios never had) out. */
export function withJob({ jobId: _id, pullProgress: _progress, ...status }: TaskStatus, job: Job): HeliosTaskStatus {
  return { job, ...status };
}

/** A map of statuses (by host or by job id) with their jobs; `jobOf` is asked once per job. */
export async function withJobs(statuses: Record<string, TaskStatus>, jobOf: JobLookup): Promise<Record<string, HeliosTaskStatus>> {
  const jobs = new Map<string, Job | undefined>();
  const out: Record<string, HeliosTaskStatus> = {};
  for (const [key, status] of Object.entries(statuses)) {
    if (!jobs.has(status.jobId)) jobs.set(status.jobId, await jobOf(status.jobId));
    const job = jobs.get(status.jobId);
    if (job) out[key] = withJob(status, job);
  }
  return out;
}
