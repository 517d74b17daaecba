import type { HeliosClient } from '../../core/client/createClient.js';
import type { Output } from '../output.js';

const CONFIRM_MS = 30_000;

/**
 * --cleanup: undeploy every job on the local agent and wait until the agent reports their tasks gone
 * (it stops and removes their containers). Returns false when that was not confirmed in time.
 */
export async function undeployAll(client: HeliosClient, host: string, out: Output): Promise<boolean> {
  const status = await client.hosts.status(host).catch(() => null);
  if (!status) return true;
  const jobIds = Object.keys(status.jobs);
  for (const jobId of jobIds) {
    const token = (await client.jobs.get(jobId).catch(() => null))?.token;
    await client.deployments.undeploy(host, jobId, { force: true, token }).catch((err: Error) => out.info(`${jobId}: ${err.message}`));
  }
  const deadline = Date.now() + CONFIRM_MS;
  let left = jobIds;
  while (Date.now() < deadline) {
    const now = await client.hosts.status(host).catch(() => null);
    left = now ? jobIds.filter((id) => Object.hasOwn(now.statuses, id)) : left;
    if (left.length === 0) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  out.info(`the agent did not confirm removing ${left.length} container(s) in ${CONFIRM_MS / 1000} s; see the agent log, and docker ps`);
  return false;
}
