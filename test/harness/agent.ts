/**
 * Helpers for agent tests: an agent in this process against a test master, with its own name (so
 * test files sharing one Docker engine never touch each other's containers), state dir and log.
 * @example
 *   const master = await startTestMaster(); t.teardown(master.close);
 *   const agent = await startTestAgent(t, master);
 *   const jobId = await deployJob(master, agent.name, { name: 'web', command: ['sleep', '1000'] });
 *   await waitForState(master, jobId, agent.name, 'RUNNING');
 */
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { pino } from 'pino';
import type { ExecutionContext } from 'ava';
import type { JobSpec, TaskStatus } from '../../core/index.js';
import { startAgent, type Agent } from '../../agent/agent.js';
import type { AgentOptions } from '../../agent/options.js';
import { startTestMaster, type TestMaster, type TestMasterOptions } from './master.js';
import { spawnProcess, tempDir, waitFor, type SpawnedProcess } from './processes.js';

export const dockerHost = () => process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';

export function dockerClient(): Docker {
  const host = dockerHost();
  return host.startsWith('unix://') ? new Docker({ socketPath: host.slice(7) }) : new Docker({ host: new URL(host).hostname, port: Number(new URL(host).port) || 2375 });
}

export const uniqueName = (prefix = 'agent') => `${prefix}-${randomBytes(4).toString('hex')}`;

export interface TestAgent extends Agent {
  /** Every log line, parsed. */
  logs: Array<Record<string, unknown>>;
}

/** An agent in-process; stopped, and its containers removed, when the test ends. */
export async function startTestAgent(t: ExecutionContext, master: { url: string }, options: Partial<AgentOptions> = {}): Promise<TestAgent> {
  const name = options.name ?? uniqueName();
  const state = options.stateDir ? undefined : await tempDir('helios-agent-');
  const logs: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => { logs.push(JSON.parse(line) as Record<string, unknown>); } });
  const agent = await startAgent({
    master: master.url,
    name,
    dockerHost: dockerHost(),
    bindIp: '127.0.0.1',
    heartbeatMs: 500,
    stateDir: options.stateDir ?? state!.path,
    logger,
    ...options,
  });
  t.teardown(async () => {
    await agent.stop();
    await removeAgentContainers(name);
    await state?.cleanup();
  });
  return Object.assign(agent, { logs });
}

/**
 * Runs `fn`; an error it throws (a wait that timed out) gets the agent's last log lines in its message,
 * so a failure in CI says what the agent did: its steps, the Docker errors it met, its outages.
 */
export async function withAgentLog<T>(agent: TestAgent, fn: () => Promise<T>, lines = 80): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof Error) {
      // The stack keeps the bare message (ava prints both): the log lines once, in the message.
      const { stack } = err;
      err.message += `\nthe agent's last ${lines} log lines:\n${agentLogTail(agent.logs, lines)}`;
      err.stack = stack;
    }
    throw err;
  }
}

const levelNames: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** One line per log record: seconds since the first, level, message, then its fields (an error by its message). */
function agentLogTail(logs: Array<Record<string, unknown>>, lines: number): string {
  const start = Number(logs[0]?.time ?? 0);
  return logs.slice(-lines).map(({ time, level, msg, pid: _pid, hostname: _hostname, err, ...fields }) => {
    const error = err && typeof err === 'object' ? { err: (err as { message?: unknown }).message } : {};
    const text = JSON.stringify({ ...fields, ...error });
    return `+${((Number(time) - start) / 1000).toFixed(3)}s ${levelNames[Number(level)] ?? String(level)} ${String(msg)} ${text.length > 400 ? `${text.slice(0, 400)}…` : text}`;
  }).join('\n');
}

/**
 * Resolves once the agent has registered with its master. An agent registers as it starts, without
 * being waited for: a deploy to it before that is HOST_NOT_FOUND.
 */
export const agentRegistered = (agent: TestAgent, timeoutMs = 30_000) =>
  waitFor(() => agent.logs.some((line) => line.msg === 'registered with the master'), { timeoutMs, message: `${agent.name} registered with the master` });

export interface AgentProcessOptions {
  master: string;
  name: string;
  stateDir: string;
  /** More flags (--ca, --join-new-cluster, …). */
  args?: string[];
  /** Added to the environment (HELIOS_TOKEN, …); DOCKER_HOST is the session's engine. */
  env?: NodeJS.ProcessEnv;
  /** Runs the command through another, e.g. `ip netns exec` (netns.ts `link.wrap`). */
  wrap?: (cmd: string, args: readonly string[]) => [string, string[]];
}

/**
 * helios-agent as a child process (from source) on the session's engine, heartbeating every 500 ms and
 * publishing on 127.0.0.1. The caller kills it (`t.teardown(() => agent.kill('SIGKILL'))`).
 */
export function spawnAgentProcess(o: AgentProcessOptions): SpawnedProcess {
  const args = ['--import', 'tsx', 'agent/bin.ts', '--master', o.master, '--name', o.name, '--state-dir', o.stateDir,
    '--bind-ip', '127.0.0.1', '--heartbeat', '500ms', ...(o.args ?? [])];
  const [cmd, argv] = o.wrap ? o.wrap(process.execPath, args) : [process.execPath, args];
  return spawnProcess(cmd, argv, { env: { DOCKER_HOST: dockerHost(), ...o.env } });
}

/**
 * A test master closed when the test ends (after the agents, as teardowns run last-in first-out).
 * Connections still open a moment into the close are cut: an aborted long-poll leaves undici opening a
 * fresh connection that sends nothing, and the server would wait for its headers timeout (60 s).
 */
export async function startMasterFor(t: ExecutionContext, opts: TestMasterOptions = {}): Promise<TestMaster> {
  const master = await startTestMaster(opts);
  t.teardown(async () => {
    const closing = master.close();
    const cut = setTimeout(() => master.master.app.server.closeAllConnections(), 200);
    await closing;
    clearTimeout(cut);
  });
  return master;
}

/** Containers labelled for an agent (running or not). */
export async function agentContainers(agentName: string): Promise<Docker.ContainerInfo[]> {
  return dockerClient().listContainers({ all: true, filters: { label: [`helios.agent=${agentName}`] } });
}

export async function removeAgentContainers(agentName: string): Promise<void> {
  const docker = dockerClient();
  for (const c of await agentContainers(agentName)) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => {});
}

/** Creates the job (busybox by default, quick to stop) and deploys it on the host; returns its id. */
export async function deployJob(master: TestMaster, host: string, spec: Partial<JobSpec> & { name: string }, goal: 'START' | 'STOP' = 'START'): Promise<string> {
  const { id } = await master.client.jobs.create({ version: '1', image: 'busybox:latest', secondsToWaitBeforeKill: 1, ...spec });
  await master.client.deployments.deploy(host, id, { goal });
  return id;
}

/** The task status the master holds for job × host, or undefined. */
export async function taskStatus(master: TestMaster, jobId: string, host: string): Promise<TaskStatus | undefined> {
  const status = await master.client.jobs.status(jobId);
  return status.taskStatuses[host];
}

export function waitForStatus(master: TestMaster, jobId: string, host: string, accept: (s: TaskStatus) => boolean,
  opts: { timeoutMs?: number; message?: string } = {}): Promise<TaskStatus> {
  // The message names the last status seen (or none): "not met" alone says nothing of where it stopped.
  let last: TaskStatus | undefined;
  return waitFor(async () => {
    last = await taskStatus(master, jobId, host);
    return last && accept(last) ? last : undefined;
  }, { timeoutMs: opts.timeoutMs ?? 20_000, intervalMs: 50, message: opts.message ?? `status of ${jobId} on ${host}` })
    .catch((err: Error) => {
      err.message += last ? `; the last status: ${last.state}${last.containerError ? ` (${last.containerError})` : ''}` : '; the master holds no status of it';
      throw err;
    });
}

export const waitForState = (master: TestMaster, jobId: string, host: string, state: TaskStatus['state'], timeoutMs?: number) =>
  waitForStatus(master, jobId, host, (s) => s.state === state, { timeoutMs, message: `${jobId} on ${host} reaching ${state}` });
