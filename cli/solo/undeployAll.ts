import type { HeliosClient } from '../../core/client/createClient.js';
import type { Output } from '../output.js';

/** --cleanup: undeploy every job on the local agent and wait until it has removed their containers. */
export async function undeployAll(client: HeliosClient, host: string, out: Output): Promise<void> {
  const status = await client.hosts.status(host).catch(() => null);
  if (!status) return;
  for (const jobId of Object.keys(status.jobs)) {
    const token = (await client.jobs.get(jobId).catch(() => null))?.token;
    await client.deployments.undeploy(host, jobId, { force: true, token }).catch((err: Error) => out.info(`${jobId}: ${err.message}`));
  }
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const now = await client.hosts.status(host).catch(() => null);
    if (!now || Object.keys(now.statuses).length === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  out.info('some containers were not removed in 60 s; see the agent log');
}
