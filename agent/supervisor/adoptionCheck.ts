import type { Job } from '../../core/index.js';
import { jobSpecHash, type SpecContext } from '../docker/containerSpec.js';
import type { ContainerDetails } from '../docker/dockerAdapter.js';
import { SPEC_HASH_LABEL } from '../docker/labels.js';

/**
 * Why a container labelled for the task, but not created by this run of its supervisor (one of a past
 * run, or a stranger kept), cannot be adopted as the task's; null when it can. Ownership stays with
 * the labels; this asks whether the container is what the agent would make of the job now.
 * A container of an agent from before `helios.spec-hash` is held to its image only: an upgrade of
 * the agent then restarts no container, and a hand-made one with another image is still caught.
 * @example adoptionMismatch(details, job, ctx) // → 'its image is busybox:1.36, the job\'s is busybox:latest'
 */
export function adoptionMismatch(container: Pick<ContainerDetails, 'image' | 'labels'>, job: Job, ctx: SpecContext): string | null {
  if (container.image !== job.image) return `its image is ${container.image}, the job's is ${job.image}`;
  const recorded = container.labels[SPEC_HASH_LABEL];
  if (recorded !== undefined && recorded !== jobSpecHash(job, ctx)) {
    return `its create options differ from the job's (${SPEC_HASH_LABEL} ${recorded.slice(0, 12)}, the job's ${jobSpecHash(job, ctx).slice(0, 12)})`;
  }
  return null;
}
