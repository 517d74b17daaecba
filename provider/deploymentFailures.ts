import type { dynamic } from '@pulumi/pulumi';
import { UNKNOWN } from './unknowns.js';
import { ownerFailure } from './ownership.js';

const GOALS = ['START', 'STOP'];
const JOB_ID = /^[0-9a-zA-Z-_.]+:[0-9a-zA-Z-_.]+(:[0-9a-f]{40})?$/;

/** Checks Deployment inputs; values unknown at preview pass. */
export function deploymentCheckFailures(news: Record<string, unknown>): dynamic.CheckFailure[] {
  const failures: dynamic.CheckFailure[] = [];
  const known = (value: unknown) => value !== UNKNOWN;
  const { job, host, goal, timeoutSeconds, token } = news;
  if (known(job) && (typeof job !== 'string' || !JOB_ID.test(job))) {
    failures.push({ property: 'job', reason: `job: must be a job id name:version:hash (a Job's jobId), got ${JSON.stringify(job)}` });
  }
  if (known(host) && (typeof host !== 'string' || host.length === 0)) {
    failures.push({ property: 'host', reason: 'host: must be the non-empty name of an agent host' });
  }
  if (goal !== undefined && known(goal) && !GOALS.includes(goal as string)) {
    failures.push({ property: 'goal', reason: `goal: must be START or STOP, got ${JSON.stringify(goal)}` });
  }
  if (timeoutSeconds !== undefined && known(timeoutSeconds)
    && !(typeof timeoutSeconds === 'number' && Number.isInteger(timeoutSeconds) && timeoutSeconds > 0)) {
    failures.push({ property: 'timeoutSeconds', reason: `timeoutSeconds: must be a positive whole number, got ${JSON.stringify(timeoutSeconds)}` });
  }
  if (token !== undefined && known(token) && typeof token !== 'string') {
    failures.push({ property: 'token', reason: 'token: must be a string' });
  }
  const owner = ownerFailure(news.owner);
  if (owner) failures.push(owner);
  return failures;
}
