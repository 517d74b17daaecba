/**
 * `helios solo`: master, agent and syncer on one machine. Solo only starts processes, talks to the
 * master API, and stops them in order (syncer, agent, master) on Ctrl-C.
 *
 *   checks (leftovers, repo, port, home lock) ─► master ─► master answers ─► agent, syncer ─► summary, progress ─┐
 *        │                               │             │                                              │
 *        └── Ctrl-C, or a child exits, at any point: stop what has started, in order ◄────────────────┘
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { createClient, type HeliosClient } from '../../core/client/createClient.js';
import { HeliosError } from '../../core/errors/HeliosError.js';
import type { Output } from '../output.js';
import { startComponent, type Component, type ComponentName } from './components.js';
import { branchCommit, readRepo, type RepoInfo } from './gitRepo.js';
import { lockHome, stopLeftovers, type HomeLock } from './homeLock.js';
import { ensurePortFree, parseMasterAddress, type MasterAddress } from './masterAddress.js';
import { watchProgress } from './progress.js';
import { listenForShutdown, type ShutdownSignals } from './shutdownSignals.js';
import { printSummary } from './summary.js';
import { undeployAll } from './undeployAll.js';

export interface SoloOptions {
  http: string;
  home?: string;
  repo?: string;
  branch?: string;
  path: string;
  agentName?: string;
  dockerHost?: string;
  bindIp: string;
  agent: boolean;
  syncer: boolean;
  cleanup: boolean;
  authToken?: string;
}

/** The sync source solo's syncer reports as; what it deploys is owned by `git:local`. */
const SOURCE = 'local';
const MASTER_START_MS = 15_000;

interface Plan {
  options: SoloOptions;
  home: string;
  logs: string;
  address: MasterAddress;
  agentName: string;
  repo: (RepoInfo & { branch: string }) | null;
  client: HeliosClient;
  env: NodeJS.ProcessEnv;
}

export async function runSolo(options: SoloOptions, out: Output): Promise<number> {
  const components: Component[] = [];
  const signals = listenForShutdown(() => {
    out.info('stopping now (second signal): killing master, agent and syncer');
    for (const c of components) c.kill();
  });
  try {
    const plan = await check(options, signals, out);
    if (!plan) return 0;
    const lock = lockHome(plan.home);
    try {
      return await supervise(plan, components, signals, out, lock);
    } finally {
      lock.release();
    }
  } finally {
    signals.dispose();
  }
}

/** Everything that can be refused before a process starts; null when a signal came meanwhile. */
async function check(options: SoloOptions, signals: ShutdownSignals, out: Output): Promise<Plan | null> {
  const home = resolve(options.home ?? (process.env.HELIOS_HOME || join(homedir(), '.helios')));
  await stopLeftovers(home, (message) => out.info(message));
  const address = parseMasterAddress(options.http);
  const client = createClient({ baseUrl: address.url, token: options.authToken, owner: 'cli' });
  const found = options.syncer ? await readRepo(resolve(options.repo ?? '.')) : null;
  // Ctrl-C reaches git too (same process group), which then looks like "not a repository".
  if (signals.signal) return null;
  if (options.syncer && !found) {
    throw new HeliosError('INVALID_ARGUMENT', `${resolve(options.repo ?? '.')} is not in a git repository (give --repo PATH, or --no-syncer)`);
  }
  const branch = options.branch ?? found?.branch;
  if (found && !branch) {
    throw new HeliosError('INVALID_ARGUMENT', `${found.dir} has a detached HEAD and the syncer follows a branch: check one out (git switch -c NAME), or give --branch NAME`);
  }
  // The summary shows the followed branch's commit; a --branch that does not exist would sync nothing.
  const commit = found && options.branch ? await branchCommit(found.dir, options.branch) : found?.commit;
  if (signals.signal) return null;
  if (found && commit === null) throw new HeliosError('INVALID_ARGUMENT', `--branch ${options.branch}: no such branch in ${found.dir}`);
  await ensurePortFree(address, () => client.version().then(() => true, () => false));
  if (signals.signal) return null;
  const logs = join(home, 'logs');
  mkdirSync(logs, { recursive: true });
  return {
    options,
    home,
    logs,
    address,
    agentName: options.agentName ?? hostname(),
    repo: found && { ...found, branch: branch!, commit: commit! },
    client,
    env: { ...process.env, HELIOS_HOME: home, ...(options.authToken ? { HELIOS_TOKEN: options.authToken } : {}) },
  };
}

async function supervise(plan: Plan, components: Component[], signals: ShutdownSignals, out: Output, lock: HomeLock): Promise<number> {
  const { options, address, agentName, repo, client } = plan;
  const startedAt = Date.now();
  const start = (name: ComponentName, args: string[]) => {
    const component = startComponent(name, args, { logFile: join(plan.logs, `${name}.log`), env: plan.env });
    components.push(component);
    lock.record(name, component.pid);
    return component;
  };
  const dbPath = join(plan.home, 'master.db');
  const master = start('master', ['--http', options.http, '--db', dbPath]);
  const ready = await Promise.race([masterAnswers(client, master), signals.received.then(() => 'signal' as const)]);
  if (ready !== 'ok') {
    if (ready === 'exited') out.info(`helios-master did not start; the end of ${master.logFile}:\n${tail(master.logFile)}`);
    if (ready === 'silent') out.info(`helios-master did not answer at ${address.url} in ${MASTER_START_MS / 1000} s; see ${master.logFile}`);
    await stopInOrder(components);
    if (ready === 'signal') out.info('stopped');
    return ready === 'signal' ? 0 : 1;
  }
  if (options.agent) {
    start('agent', ['--master', address.url, '--name', agentName, '--bind-ip', options.bindIp,
      ...(options.dockerHost ? ['--docker-host', options.dockerHost] : [])]);
  }
  if (repo) {
    start('syncer', ['--master', address.url, '--repo', repo.dir, '--branch', repo.branch,
      '--path', options.path, '--name', SOURCE, '--watch', '--host-alias', `local=${agentName}`]);
  }

  printSummary(out, {
    masterUrl: address.url, dbPath, logs: plan.logs, path: options.path, repo,
    agentName: options.agent ? agentName : null,
    dockerHost: options.dockerHost ?? process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock',
  });
  const progress = watchProgress(client, { host: options.agent ? agentName : null, source: repo ? SOURCE : null, startedAt }, out);
  const died = Promise.race(components.map(async (c) => ({ component: c, code: await c.exited })));
  const reason = await Promise.race([signals.received, died]);
  progress.stop();

  if (typeof reason !== 'string') {
    out.info(`helios-${reason.component.name} exited (${reason.code}); the end of ${reason.component.logFile}:`);
    out.info(tail(reason.component.logFile));
    await stopInOrder(components);
    return 1;
  }
  out.info('stopping…');
  let removed: boolean | undefined;
  const cleanup = options.cleanup && options.agent ? async () => { removed = await undeployAll(client, agentName, out); } : undefined;
  await stopInOrder(components, cleanup);
  out.info(removed === true ? 'stopped; containers removed'
    : removed === false ? 'stopped'
      : 'stopped; containers keep running (helios solo --cleanup removes them)');
  return 0;
}

async function masterAnswers(client: HeliosClient, master: Component): Promise<'ok' | 'exited' | 'silent'> {
  const deadline = Date.now() + MASTER_START_MS;
  let exited = false;
  void master.exited.then(() => { exited = true; });
  while (Date.now() < deadline) {
    if (exited) return 'exited';
    if (await client.version().then(() => true, () => false)) return 'ok';
    await new Promise((r) => setTimeout(r, 100));
  }
  return 'silent';
}

/** Syncer first (nothing new arrives), then the agent (containers keep running), the master last. */
async function stopInOrder(components: Component[], beforeAgent?: () => Promise<unknown>): Promise<void> {
  const byName = (name: ComponentName) => components.find((c) => c.name === name);
  await byName('syncer')?.stop();
  await beforeAgent?.();
  await byName('agent')?.stop();
  await byName('master')?.stop();
}

/** The end of a log for a failure message, without stack frames (the file has them all). */
function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').filter((line) => !/^\s+at /.test(line)).slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
