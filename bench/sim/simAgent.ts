/**
 * One simulated agent: speaks the agent protocol (core/schema/protocol.ts) without Docker. It
 * registers, heartbeats every `heartbeatMs`, holds a blocking query on its desired tasks, and reports
 * every new task RUNNING at once, as a real agent would after starting the container.
 */
import os from 'node:os';
import type { DesiredTasks, HeartbeatRequest, StatusReport, TaskStatus } from '../../core/index.js';
import { seg, type JsonClient } from '../lib/http.js';
import { sleep, wallNow } from '../lib/timing.js';
import type { Receipt, SimStats } from './messages.js';

export interface SimAgentOptions {
  api: JsonClient;
  host: string;
  heartbeatMs: number;
  waitMs: number;
  onReceived: (receipt: Receipt) => void;
  stats: SimStats;
}

export function agentId(host: string): string {
  return `bench-agent-${host}`;
}

export function createSimAgent(o: SimAgentOptions) {
  const { api, host, stats } = o;
  const path = `/agents/${seg(host)}`;
  const known = new Set<string>();
  const startTime = Date.now();
  let stopped = false;
  let heartbeatTimer: NodeJS.Timeout | undefined;

  const fail = (err: unknown) => {
    stats.errors++;
    stats.lastError = `${host}: ${err instanceof Error ? err.message : String(err)}`;
  };

  async function heartbeat() {
    try {
      await api.request('POST', `${path}/heartbeat`, heartbeatBody(host, startTime));
      stats.heartbeats++;
    } catch (err) {
      fail(err);
    }
  }

  function onTasks(tasks: DesiredTasks['tasks'], at: number) {
    const now = new Set<string>();
    const updates: StatusReport['updates'] = [];
    for (const task of tasks) {
      now.add(task.jobId);
      if (known.has(task.jobId)) continue;
      known.add(task.jobId);
      o.onReceived([host, task.jobId, at]);
      updates.push({ status: runningStatus(task.jobId, task.goal), timestamp: Math.round(at) });
    }
    const removed = [...known].filter((id) => !now.has(id));
    for (const id of removed) known.delete(id);
    if (updates.length === 0 && removed.length === 0) return;
    // Reported in the background, as the real agent does: the next blocking query starts at once.
    api.request('POST', `${path}/statuses`, { id: agentId(host), updates, removed } satisfies StatusReport)
      .then(() => { stats.reports++; }, fail);
  }

  async function pollLoop() {
    let index = 0;
    while (!stopped) {
      try {
        const res = await api.request<DesiredTasks>('GET', `${path}/tasks?index=${index}&wait=${o.waitMs}&id=${seg(agentId(host))}`, undefined, o.waitMs + 15_000);
        const at = wallNow();
        stats.polls++;
        index = res.index;
        onTasks(res.tasks, at);
      } catch (err) {
        if (stopped) return;
        fail(err);
        await sleep(1_000);
      }
    }
  }

  return {
    /** Registers, sends the first heartbeat, then runs until stop(). */
    async start(initialDelayMs: number) {
      await api.request('PUT', `/hosts/${seg(host)}?id=${seg(agentId(host))}`);
      await heartbeat();
      void pollLoop();
      // Spread the heartbeats of many agents evenly over the period.
      heartbeatTimer = setTimeout(function beat() {
        if (stopped) return;
        void heartbeat();
        heartbeatTimer = setTimeout(beat, o.heartbeatMs);
      }, initialDelayMs);
    },
    stop() {
      stopped = true;
      clearTimeout(heartbeatTimer);
    },
  };
}

function runningStatus(jobId: string, goal: TaskStatus['goal']): TaskStatus {
  return {
    jobId, goal, state: 'RUNNING', containerId: `sim-${jobId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 40)}`,
    throttled: 'NO', ports: {}, env: {}, containerError: null,
  };
}

function heartbeatBody(host: string, startTime: number): HeartbeatRequest {
  return {
    id: agentId(host),
    hostInfo: {
      hostname: host, uname: 'Linux sim', architecture: 'x64', osName: 'Linux', osVersion: os.release(),
      cpus: 2, loadAvg: 0.1, memoryTotalBytes: 8 * 2 ** 30, memoryFreeBytes: 4 * 2 ** 30,
      swapTotalBytes: 0, swapFreeBytes: 0, uptime: Math.round(os.uptime()),
      dockerVersion: { version: 'sim', apiVersion: '1.41' }, dockerHost: 'unix:///var/run/docker.sock',
    },
    agentInfo: { name: 'helios-bench-sim', version: '0.1.0', startTime, uptime: Date.now() - startTime },
    labels: { role: 'sim', rack: `r${host.length % 10}` },
    environment: {},
    dockerError: null,
  };
}
