/**
 * Parent side of the simulated agents: forks `processes` children that run the agents, collects the
 * time each task reached its agent, and stops them. Receipts may arrive before the deploy's own HTTP
 * answer does, so they are kept in a map and waiters check it first.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromSim, SimStats, ToSim } from './messages.js';

export interface FleetOptions {
  /** The masters: child process p's agents talk to baseUrls[p % baseUrls.length]. */
  baseUrls: string[];
  hosts: string[];
  processes: number;
  heartbeatMs: number;
  waitMs: number;
}

const key = (host: string, jobId: string) => `${host}\u0000${jobId}`;

export async function startFleet(o: FleetOptions) {
  const received = new Map<string, number>();
  const waiters = new Map<string, (at: number) => void>();
  const countWaiters = new Set<() => void>();
  const children: ChildProcess[] = [];
  // The last counters each child sent, how many times children sent them, and who waits for more.
  const stats: SimStats[] = [];
  let statsReplies = 0;
  const statsWaiters = new Set<() => void>();
  let failure: Error | undefined;

  const entry = fileURLToPath(new URL('./simAgents.ts', import.meta.url));
  const perChild = Math.ceil(o.hosts.length / o.processes);
  const ready: Array<Promise<void>> = [];
  for (let p = 0; p < o.processes; p++) {
    const hosts = o.hosts.slice(p * perChild, (p + 1) * perChild);
    if (hosts.length === 0) break;
    const child = fork(entry, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    ready.push(new Promise<void>((resolve, reject) => {
      child.on('message', (m: FromSim) => {
        if (m.type === 'ready') resolve();
        else if (m.type === 'failed') reject(new Error(`simulated agents failed to start: ${m.message}`));
        else if (m.type === 'stats') {
          stats[p] = m.stats;
          statsReplies++;
          for (const wake of [...statsWaiters]) wake();
        } else if (m.type === 'received') {
          for (const [host, jobId, at] of m.receipts) {
            const k = key(host, jobId);
            received.set(k, at);
            waiters.get(k)?.(at);
          }
          for (const wake of [...countWaiters]) wake();
        }
      });
      child.on('exit', (code, signal) => {
        failure ??= new Error(`a simulated-agent process exited (${signal ?? code})`);
        reject(failure);
      });
    }));
    child.send({ type: 'start', baseUrl: o.baseUrls[p % o.baseUrls.length], hosts, heartbeatMs: o.heartbeatMs, waitMs: o.waitMs } satisfies ToSim);
  }

  return {
    pids: () => children.map((c) => c.pid!),
    /** The master a host's agent talks to. */
    masterOf: (host: string) => o.baseUrls[Math.floor(o.hosts.indexOf(host) / perChild) % o.baseUrls.length],
    /** Resolves once every agent has registered, heartbeated once and started its blocking query. */
    ready: () => Promise.all(ready).then(() => undefined),
    receivedCount: () => received.size,
    /** Resolves when `count` tasks in all have reached their agents, or rejects after `timeoutMs`. */
    waitForCount(count: number, timeoutMs: number): Promise<void> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (received.size < count) return;
          clearTimeout(timer);
          countWaiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          countWaiters.delete(check);
          reject(new Error(`only ${received.size} of ${count} tasks reached their agents within ${timeoutMs} ms`));
        }, timeoutMs);
        countWaiters.add(check);
        check();
      });
    },
    /** The wall-clock time the task reached its agent. */
    waitFor(host: string, jobId: string, timeoutMs: number): Promise<number> {
      const k = key(host, jobId);
      const at = received.get(k);
      if (at !== undefined) return Promise.resolve(at);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(k);
          reject(new Error(`${jobId} did not reach agent ${host} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.set(k, (value) => {
          clearTimeout(timer);
          waiters.delete(k);
          resolve(value);
        });
      });
    },
    /** Stops every agent and returns their counters summed. */
    async stop(): Promise<SimStats> {
      const exits = children.map((c) => new Promise<void>((resolve) => {
        if (c.exitCode !== null || c.signalCode !== null) return resolve();
        c.removeAllListeners('exit');
        c.on('exit', () => resolve());
        const kill = setTimeout(() => c.kill('SIGKILL'), 3_000);
        c.on('exit', () => clearTimeout(kill));
        if (c.connected) c.send({ type: 'stop' } satisfies ToSim);
        else c.kill('SIGKILL');
      }));
      await Promise.all(exits);
      return sumStats(stats);
    },
    /** The counters so far, summed over the children (asked of each; a child that does not answer in 5 s keeps its last). */
    async stats(): Promise<SimStats> {
      const asked = children.filter((c) => c.connected);
      const until = statsReplies + asked.length;
      await new Promise<void>((resolve) => {
        const done = () => { clearTimeout(timer); statsWaiters.delete(check); resolve(); };
        const check = () => { if (statsReplies >= until) done(); };
        const timer = setTimeout(done, 5_000);
        statsWaiters.add(check);
        for (const c of asked) c.send({ type: 'stats' } satisfies ToSim);
      });
      return sumStats(stats);
    },
  };
}
export type Fleet = Awaited<ReturnType<typeof startFleet>>;

function sumStats(stats: readonly SimStats[]): SimStats {
  return stats.reduce((sum, s) => ({
    heartbeats: sum.heartbeats + s.heartbeats, polls: sum.polls + s.polls, reports: sum.reports + s.reports,
    errors: sum.errors + s.errors, lastError: s.lastError ?? sum.lastError,
  }), { heartbeats: 0, polls: 0, reports: 0, errors: 0 } as SimStats);
}
