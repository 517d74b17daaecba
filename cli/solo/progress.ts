/**
 * Solo's live view, polling the master: one line per task state change on the local agent's host
 * (and one when a task is removed) with its reason (container error, failed health check, the time a
 * stopping container has), a line per sync outcome of solo's source, and once (not on every poll) that
 * the agent cannot reach Docker, with the fix. The host says nothing until this run's agent has sent a
 * heartbeat: what the master holds from before is the previous run's (its Docker error above all).
 */
import type { HeliosClient } from '../../core/client/createClient.js';
import type { Job } from '../../core/schema/job.js';
import type { TaskStatus } from '../../core/schema/status.js';
import type { Output } from '../output.js';
import { shortJobId, taskReason } from '../format.js';
import { soloCommand } from './soloCommand.js';
import { describeSync } from './syncLines.js';

const POLL_MS = 250;
/** The sync source changes only on a commit: every 4th poll is soon enough. */
const SYNC_EVERY = 4;

export interface ProgressOptions {
  /** The local agent's host, or null with --no-agent. */
  host: string | null;
  /** Solo's sync source name, or null with --no-syncer. */
  source: string | null;
  /** When solo started: sync state recorded before it is an earlier run's, not news. */
  startedAt: number;
}

export function watchProgress(client: HeliosClient, options: ProgressOptions, out: Output): { stop(): void } {
  const { host, source } = options;
  const seen = new Map<string, string>();
  /** Jobs are immutable: each is read once, when its task first shows (it may be removed before it stops). */
  const jobs = new Map<string, Job | null>();
  let dockerError: string | null | undefined;
  let syncKey: string | undefined;
  let stopped = false;

  const describe = (status: TaskStatus, host: string): string => {
    const ports = Object.entries(status.ports).filter(([, p]) => p.externalPort)
      .map(([name, p]) => `${name} → http://${p.ip && p.ip !== '0.0.0.0' ? p.ip : '127.0.0.1'}:${p.externalPort}`);
    const details = [status.throttled !== 'NO' ? `throttled ${status.throttled}` : '',
      taskReason(status, jobs.get(status.jobId) ?? undefined), ports.join(', ')].filter(Boolean).join('; ');
    return `${shortJobId(status.jobId)} on ${host}: ${status.state}${details ? ` (${details})` : ''}`;
  };

  const pollTasks = async (host: string) => {
    const status = await client.hosts.status(host).catch(() => null);
    if (!status || status.lastSeen === null || status.lastSeen < options.startedAt) return;
    for (const jobId of Object.keys(status.statuses)) {
      if (!jobs.has(jobId)) jobs.set(jobId, await client.jobs.get(jobId).catch(() => null));
    }
    if (status.dockerError !== dockerError) {
      if (status.dockerError) {
        out.info(out.colors.warn(`agent ${host} cannot reach Docker: ${status.dockerError}`));
        out.info(`  The engine stopped answering: start it again (the agent keeps retrying), or restart ${soloCommand()}, which finds one or starts its own.`);
      } else if (dockerError) {
        out.info(out.colors.good(`agent ${host} reached Docker again`));
      }
      dockerError = status.dockerError;
    }
    for (const [jobId, task] of Object.entries(status.statuses)) {
      const line = describe(task, host);
      if (seen.get(jobId) !== line) out.print(line);
      seen.set(jobId, line);
    }
    for (const jobId of seen.keys()) {
      if (Object.hasOwn(status.statuses, jobId)) continue;
      out.print(`${shortJobId(jobId)} on ${host}: removed`);
      seen.delete(jobId);
    }
  };

  const pollSync = async (name: string) => {
    const state = await client.sync.source(name).catch(() => null);
    const sync = state && describeSync(state);
    if (!sync || sync.key === syncKey) return;
    const stale = state.lastSync !== null && state.lastSync < options.startedAt;
    syncKey = sync.key;
    if (stale) return;
    for (const line of sync.lines) {
      if (sync.ok) out.print(line);
      else out.info(line);
    }
  };

  void (async () => {
    for (let tick = 0; !stopped; tick++) {
      if (host) await pollTasks(host);
      if (source && tick % SYNC_EVERY === 0 && !stopped) await pollSync(source);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  })();
  return { stop: () => { stopped = true; } };
}
