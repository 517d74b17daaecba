/**
 * Solo's live view: polls the master for the tasks on the local agent's host and prints one line per
 * state change, and says once (not on every poll) when the agent cannot reach Docker, with the fix.
 */
import type { HeliosClient } from '../../core/client/createClient.js';
import type { TaskStatus } from '../../core/schema/status.js';
import type { Output } from '../output.js';
import { shortJobId } from '../format.js';

const POLL_MS = 250;

export function watchProgress(client: HeliosClient, host: string, out: Output): { stop(): void } {
  const seen = new Map<string, string>();
  let dockerError: string | null | undefined;
  let stopped = false;

  const describe = (status: TaskStatus): string => {
    const ports = Object.entries(status.ports).filter(([, p]) => p.externalPort)
      .map(([name, p]) => `${name} → http://${p.ip && p.ip !== '0.0.0.0' ? p.ip : '127.0.0.1'}:${p.externalPort}`);
    const details = [status.throttled !== 'NO' ? `throttled ${status.throttled}` : '',
      status.containerError ?? '', ports.join(', ')].filter(Boolean).join('; ');
    return `${shortJobId(status.jobId)} on ${host}: ${status.state}${details ? ` (${details})` : ''}`;
  };

  const poll = async () => {
    const status = await client.hosts.status(host).catch(() => null);
    if (!status) return;
    if (status.dockerError !== dockerError && status.lastSeen !== null) {
      if (status.dockerError) {
        out.info(out.colors.warn(`agent ${host} cannot reach Docker: ${status.dockerError}`));
        out.info('  Install and start Docker, or set DOCKER_HOST to a running engine; the agent keeps retrying.');
      } else if (dockerError) {
        out.info(out.colors.good(`agent ${host} reached Docker again`));
      }
      dockerError = status.dockerError;
    }
    for (const [jobId, task] of Object.entries(status.statuses)) {
      const line = describe(task);
      if (seen.get(jobId) !== line) out.print(line);
      seen.set(jobId, line);
    }
  };

  void (async () => {
    while (!stopped) {
      await poll();
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  })();
  return { stop: () => { stopped = true; } };
}
