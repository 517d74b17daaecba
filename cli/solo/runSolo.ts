/**
 * `helios solo`: master, agent and syncer on one machine. Solo starts processes (and, with no Docker
 * engine answering, a private dockerd), talks to the master API, and stops them in order (syncer,
 * agent, master, its dockerd) on Ctrl-C.
 *
 *   checks (leftovers, repo, port, engine, home lock) ─► [private dockerd] ─► master answers ─► agent, syncer ─► summary, progress ─┐
 *        │                                                      │                │                                           │
 *        └── Ctrl-C, or a child exits, at any point: stop what has started, in order ◄──────────────────────────────────────────┘
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { createClient, type HeliosClient } from '../../core/client/createClient.js';
import { HeliosError } from '../../core/errors/HeliosError.js';
import type { Output } from '../output.js';
import { startComponent, type Component, type ComponentName } from './components.js';
import { branchCommit, readRepo, type RepoInfo } from './gitRepo.js';
import { cleanupAgent, type CleanupResult } from './cleanup.js';
import { lockHome, stopLeftovers, type HomeLock } from './homeLock.js';
import { ensurePortFree, parseMasterAddress, type MasterAddress } from './masterAddress.js';
import { watchProgress } from './progress.js';
import { listenForShutdown, type ShutdownSignals } from './shutdownSignals.js';
import { soloCommand } from './soloCommand.js';
import { noEngineAdvice } from './engineAdvice.js';
import { chooseEngine, ensureSampleImage, startPrivateEngine, type EngineChoice, type SoloEngine } from './soloEngine.js';
import { cliCommand, printSummary } from './summary.js';

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
const defaultDockerHost = () => process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';

interface Plan {
  options: SoloOptions;
  home: string;
  logs: string;
  address: MasterAddress;
  agentName: string;
  repo: (RepoInfo & { branch: string }) | null;
  /** null with --no-agent. */
  engine: Exclude<EngineChoice, { kind: 'none' }> | null;
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
    if (typeof plan === 'number') return plan;
    const lock = lockHome(plan.home);
    try {
      const engine = await openEngine(plan, signals, out);
      if (!engine) return signals.signal ? 0 : 1;
      try {
        return await supervise(plan, engine, components, signals, out, lock);
      } finally {
        await engine.stop();
      }
    } finally {
      lock.release();
    }
  } finally {
    signals.dispose();
  }
}

/**
 * Everything that can be refused before a process starts. A number is the exit code now: 0 when a
 * signal came meanwhile, 1 when there is no Docker engine and solo may not start one (said why).
 */
async function check(options: SoloOptions, signals: ShutdownSignals, out: Output): Promise<Plan | number> {
  const home = resolve(options.home ?? (process.env.HELIOS_HOME || join(homedir(), '.helios')));
  await stopLeftovers(home, (message) => out.info(message));
  const address = parseMasterAddress(options.http);
  const client = createClient({ baseUrl: address.url, token: options.authToken, owner: 'cli' });
  const found = options.syncer ? await readRepo(resolve(options.repo ?? '.')) : null;
  // Ctrl-C reaches git too (same process group), which then looks like "not a repository".
  if (signals.signal) return 0;
  if (options.syncer && !found) {
    throw new HeliosError('INVALID_ARGUMENT', `${resolve(options.repo ?? '.')} is not in a git repository (give --repo PATH, or --no-syncer)`);
  }
  const branch = options.branch ?? found?.branch;
  if (found && !branch) {
    throw new HeliosError('INVALID_ARGUMENT', `${found.dir} has a detached HEAD and the syncer follows a branch: check one out (git switch -c NAME), or give --branch NAME`);
  }
  // The summary shows the followed branch's commit; a --branch that does not exist would sync nothing.
  const commit = found && options.branch ? await branchCommit(found.dir, options.branch) : found?.commit;
  if (signals.signal) return 0;
  if (found && commit === null) throw new HeliosError('INVALID_ARGUMENT', `--branch ${options.branch}: no such branch in ${found.dir}`);
  await ensurePortFree(address, () => client.version().then(() => true, () => false));
  const engine = options.agent ? await chooseEngine(options.dockerHost ?? defaultDockerHost(), soloCommand()) : null;
  if (signals.signal) return 0;
  if (engine?.kind === 'none') {
    for (const line of engine.advice) out.info(line);
    return 1;
  }
  const logs = join(home, 'logs');
  mkdirSync(logs, { recursive: true });
  return {
    options,
    home,
    logs,
    address,
    agentName: options.agentName ?? hostname(),
    repo: found && { ...found, branch: branch!, commit: commit! },
    engine,
    client,
    env: { ...process.env, HELIOS_HOME: home, ...(options.authToken ? { HELIOS_TOKEN: options.authToken } : {}) },
  };
}

/**
 * The engine found, or the private dockerd started (with the sample's image where no registry
 * answers); null when that failed (said why) or a signal came meanwhile (the daemon is stopped).
 */
async function openEngine(plan: Plan, signals: ShutdownSignals, out: Output): Promise<SoloEngine | null> {
  const choice = plan.engine;
  if (!choice) return { dockerHost: '', private: false, stop: async () => {} };
  const logFile = join(plan.logs, 'docker.log');
  let engine: SoloEngine;
  if (choice.kind === 'answers') {
    engine = { dockerHost: choice.dockerHost, private: false, stop: async () => {} };
  } else {
    try {
      engine = await startPrivateEngine(choice, logFile, out);
    } catch (err) {
      if (signals.signal) return null;
      const message = err instanceof Error ? err.message : String(err);
      appendFileSync(logFile, `${message}\n`);
      const failed = `${message.split('\n')[0]}; more in ${logFile}`;
      for (const line of noEngineAdvice({ dockerHost: choice.tried, reason: choice.reason, facts: choice.facts, command: soloCommand(), failed })) out.info(line);
      return null;
    }
  }
  if (!signals.signal) await ensureSampleImage(engine.dockerHost, logFile, out);
  if (!signals.signal) return engine;
  await engine.stop();
  return null;
}

async function supervise(plan: Plan, engine: SoloEngine, components: Component[], signals: ShutdownSignals, out: Output, lock: HomeLock): Promise<number> {
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
    start('agent', ['--master', address.url, '--name', agentName, '--bind-ip', options.bindIp, '--docker-host', engine.dockerHost]);
  }
  if (repo) {
    start('syncer', ['--master', address.url, '--repo', repo.dir, '--branch', repo.branch,
      '--path', options.path, '--name', SOURCE, '--watch', '--host-alias', `local=${agentName}`]);
  }

  printSummary(out, {
    masterUrl: address.url, dbPath, logs: plan.logs, path: options.path, repo,
    agentName: options.agent ? agentName : null,
    dockerHost: engine.dockerHost,
    privateEngine: engine.private,
    cli: cliCommand(),
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
  let cleaned: CleanupResult | null | undefined;
  const agent = components.find((c) => c.name === 'agent');
  const cleanup = options.cleanup && agent
    ? async () => { cleaned = await cleanupAgent(client, agentName, out, { agentGone: agent.exited }); }
    : undefined;
  await stopInOrder(components, cleanup);
  if (engine.private) out.info('stopping the private dockerd (and its containers)…');
  await engine.stop();
  out.info(stoppedLine(cleaned, engine));
  return 0;
}

/** The last line: what is left running. */
function stoppedLine(cleaned: CleanupResult | null | undefined, engine: SoloEngine): string {
  if (cleaned && cleaned.kept.length === 0) return engine.private ? 'stopped; containers removed, the private dockerd stopped' : 'stopped; containers removed';
  if (engine.private) return 'stopped, with the private dockerd and its containers (their deployments stay: the next start runs them again)';
  if (cleaned !== undefined) return 'stopped';
  return `stopped; containers keep running (${soloCommand('--cleanup')} removes them)`;
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
