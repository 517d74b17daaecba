/**
 * One simulated agent: speaks the agent protocol (core/schema/protocol.ts) without Docker. It
 * registers, heartbeats every `heartbeatMs`, holds a blocking query on its desired tasks, and reports
 * every new task RUNNING at once, as a real agent would after starting the container. With
 * `lifecycle`, it reports every state a real agent does: PULLING_IMAGE, CREATING, STARTING and RUNNING
 * for a new task; for an undeployed one STOPPING, then STOPPED with its removal, in a second report.
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
  /** Report every state of a task's life, not only RUNNING (see above). */
  lifecycle?: boolean;
  /** After the master took a report: the tasks it said RUNNING, and those it said removed. */
  onReported?: (report: { running: string[]; removed: string[] }) => void;
}

const STARTING: TaskStatus['state'][] = ['PULLING_IMAGE', 'CREATING', 'STARTING', 'RUNNING'];

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

  const post = (updates: StatusReport['updates'], removed: string[]) =>
    api.request('POST', `${path}/statuses`, { id: agentId(host), updates, removed } satisfies StatusReport).then(() => { stats.reports++; });

  function onTasks(tasks: DesiredTasks['tasks'], at: number) {
    const now = new Set<string>();
    const updates: StatusReport['updates'] = [];
    const running: string[] = [];
    const timestamp = Math.round(at);
    for (const task of tasks) {
      now.add(task.jobId);
      if (known.has(task.jobId)) continue;
      known.add(task.jobId);
      o.onReceived([host, task.jobId, at]);
      running.push(task.jobId);
      for (const state of o.lifecycle ? STARTING : ['RUNNING' as const]) updates.push({ status: taskStatus(task.jobId, task.goal, state), timestamp });
    }
    const removed = [...known].filter((id) => !now.has(id));
    for (const id of removed) known.delete(id);
    if (updates.length === 0 && removed.length === 0) return;
    const stopped = (state: TaskStatus['state']) => removed.map((id) => ({ status: taskStatus(id, 'UNDEPLOY', state), timestamp }));
    // Reported in the background, as the real agent does: the next blocking query starts at once.
    const report = o.lifecycle && removed.length > 0
      ? post([...updates, ...stopped('STOPPING')], []).then(() => post(stopped('STOPPED'), removed))
      : post(updates, removed);
    report.then(() => o.onReported?.({ running, removed }), fail);
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

function taskStatus(jobId: string, goal: TaskStatus['goal'], state: TaskStatus['state']): TaskStatus {
  const containerId = state === 'PULLING_IMAGE' || state === 'CREATING' ? null : `sim-${jobId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 40)}`;
  return { jobId, goal, state, containerId, throttled: 'NO', ports: {}, env: {}, containerError: null };
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
