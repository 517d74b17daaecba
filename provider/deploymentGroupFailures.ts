import type { dynamic } from '@pulumi/pulumi';
import { loadCore } from './loadCore.js';
import { containsUnknown, UNKNOWN } from './unknowns.js';

/**
 * `check` of a DeploymentGroup: its name, host selectors (core's parser), job id, rollout options
 * (core's ranges) and wait, each failure on its property; values unknown at preview are skipped.
 */
export async function deploymentGroupFailures(news: Record<string, unknown>): Promise<dynamic.CheckFailure[]> {
  const core = await loadCore();
  const failures: dynamic.CheckFailure[] = [];
  const known = (value: unknown) => !containsUnknown(value);
  const { name, hostSelectors, job, rolloutOptions, timeoutSeconds } = news;
  if (known(name) && (typeof name !== 'string' || !new RegExp(core.DEPLOYMENT_GROUP_NAME).test(name))) {
    failures.push({ property: 'name', reason: `name: must be letters, digits, ".", "_" and "-" (at most 128), starting with a letter or digit, got ${JSON.stringify(name)}` });
  }
  if (hostSelectors !== UNKNOWN) {
    if (!Array.isArray(hostSelectors) || hostSelectors.length === 0) failures.push({ property: 'hostSelectors', reason: 'hostSelectors: must list at least one host selector, e.g. ["role=web"]' });
    else {
      for (const [i, text] of hostSelectors.entries()) {
        if (!known(text)) continue;
        try {
          core.parseHostSelector(String(text));
        } catch (err) {
          failures.push({ property: 'hostSelectors', reason: `hostSelectors.${i}: ${(err as Error).message}` });
        }
      }
    }
  }
  if (job !== undefined && known(job) && (typeof job !== 'string' || core.parseJobId(job)?.hash === undefined)) {
    failures.push({ property: 'job', reason: `job: must be a full job id (name:version:hash, a Job's jobId), got ${JSON.stringify(job)}` });
  }
  if (rolloutOptions !== undefined && known(rolloutOptions)) {
    for (const e of core.rolloutOptionsErrors('rolloutOptions', rolloutOptions as Record<string, unknown>)) failures.push({ property: 'rolloutOptions', reason: `${e.path}: ${e.message}` });
  }
  if (timeoutSeconds !== undefined && known(timeoutSeconds) && (!Number.isInteger(timeoutSeconds) || (timeoutSeconds as number) < 1)) {
    failures.push({ property: 'timeoutSeconds', reason: 'timeoutSeconds: must be a whole number of seconds, 1 or more' });
  }
  return failures;
}
